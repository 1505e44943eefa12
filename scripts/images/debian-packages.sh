# Fetching .debs for any Debian architecture from Debian's archive, without touching the
# host's apt state: each architecture gets its own sources list, package lists and caches
# under $CACHE/apt/<debian-arch>/ (sourced by build-images.sh; needs $CACHE).

DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${NOVALAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${NOVALAB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
LISTS_MAX_AGE_MINUTES=1440

# apt options that make apt-get/apt-cache see only Debian's archive for architecture $1.
apt_options() {
	local dir=$CACHE/apt/$1
	printf '%s\n' \
		"-oAPT::Architecture=$1" "-oAPT::Architectures=$1" \
		"-oDir::State::Lists=$dir/lists" "-oDir::State::status=$dir/status" \
		"-oDir::Cache=$dir/cache" \
		"-oDir::Etc::SourceList=$dir/sources.list" "-oDir::Etc::SourceParts=$dir/sources.list.d" \
		"-oDir::Etc::Preferences=$dir/preferences" "-oDir::Etc::PreferencesParts=$dir/preferences.d" \
		"-oAPT::Sandbox::User=$(id -un)" "-oDebug::NoLocking=1" "-qq"
}

apt_in() { # apt_in <debian-arch> apt-get|apt-cache args...
	local arch=$1 tool=$2
	shift 2
	local -a opts
	mapfile -t opts < <(apt_options "$arch")
	"$tool" "${opts[@]}" "$@"
}

# Creates the private apt tree for $1 and refreshes its lists when older than a day.
# Offline with lists already there, it carries on with them.
refresh_package_lists() {
	local arch=$1 dir=$CACHE/apt/$1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d" "$dir/preferences.d"
	touch "$dir/status"
	cat > "$dir/sources.list" <<-EOF
		deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $DEBIAN_SUITE main
		deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
		deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main
	EOF
	if [[ -n $(find "$dir/lists" -maxdepth 1 -name '*InRelease' -mmin -"$LISTS_MAX_AGE_MINUTES") ]]; then
		return 0
	fi
	log "refreshing the $arch package lists from $DEBIAN_MIRROR"
	if ! apt_in "$arch" apt-get update; then
		[[ -n $(find "$dir/lists" -maxdepth 1 -name '*InRelease') ]] || die "apt-get update failed for $arch"
		log "apt-get update failed; using the $arch lists from the last run"
	fi
}

candidate_version() { # candidate_version <debian-arch> <package>
	apt_in "$1" apt-cache policy "$2" | sed -n 's/^ *Candidate: //p'
}

# Path of the .deb of <package> at its candidate version, downloaded once into the cache
# (older versions of it are dropped from the cache once a newer one is there).
fetch_deb() { # fetch_deb <debian-arch> <package>
	local arch=$1 pkg=$2 version dir=$CACHE/debs/$1 deb old
	version=$(candidate_version "$arch" "$pkg")
	[[ -n $version && $version != '(none)' ]] || die "$pkg has no candidate for $arch"
	mkdir -p "$dir"
	if ! cached_deb "$dir" "$pkg" "$version" > /dev/null; then
		log "downloading $pkg $version ($arch)"
		(cd "$dir" && apt_in "$arch" apt-get download "$pkg=$version") >&2
	fi
	deb=$(cached_deb "$dir" "$pkg" "$version") || die "apt-get download $pkg=$version left no .deb in $dir"
	for old in "$dir/${pkg}_"*.deb; do
		[[ $old == "$deb" ]] || rm -f "$old"
	done
	echo "$deb"
}

cached_deb() { # cached_deb <dir> <package> <version>: prints the cached .deb, or fails
	local deb
	for deb in "$1/${2}_"*.deb; do
		[[ -f $deb && $(dpkg-deb -f "$deb" Version) == "$3" ]] && { echo "$deb"; return 0; }
	done
	return 1
}
