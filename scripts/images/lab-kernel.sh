# The lab guests' kernel, compiled from Debian's linux-source package with the small
# configuration in scripts/images/kernel/: everything a lab guest uses built in, nothing
# else. With Debian's cloud kernel (its image, slab and tables for drivers no lab guest has)
# a TCG guest's RAM held 71 MB of host memory and its QEMU 150 MB in all; with this one, 34 MB
# and 98 MB (npm run bench --only=density), and it boots in about half the time.
# Sourced by build-images.sh (needs log, die, fetch_deb, $CACHE, $HELPERS).

KERNEL_SOURCE_PKG=linux-source-6.1
declare -A KERNEL_ARCH=([x86_64]=x86_64 [aarch64]=arm64)
declare -A KERNEL_TARGET=([x86_64]=bzImage [aarch64]=Image)
declare -A KERNEL_IMAGE=([x86_64]=arch/x86/boot/bzImage [aarch64]=arch/arm64/boot/Image)
declare -A KERNEL_CROSS=([x86_64]=x86_64-linux-gnu- [aarch64]=aarch64-linux-gnu-)

require_kernel_tools() {
	local tool
	for tool in make flex bison bc "${KERNEL_CROSS[x86_64]}gcc" "${KERNEL_CROSS[aarch64]}gcc"; do
		command -v "$tool" > /dev/null || die "$tool is needed to compile the guest kernel (Debian: bash scripts/install-debian-deps.sh)"
	done
}

# The source tree of the packaged version, unpacked once under the cache; prints its path.
kernel_source() {
	local deb version src
	refresh_package_lists amd64
	deb=$(fetch_deb amd64 "$KERNEL_SOURCE_PKG")
	version=$(basename "$deb" .deb)
	src=$CACHE/kernel/$version/src
	if [[ ! -f $src/Makefile ]]; then
		log "unpacking $KERNEL_SOURCE_PKG ($version)"
		rm -rf "$CACHE/kernel/$version"
		mkdir -p "$CACHE/kernel/$version/deb"
		dpkg-deb -x "$deb" "$CACHE/kernel/$version/deb"
		mkdir -p "$src.partial"
		tar -xJf "$CACHE/kernel/$version/deb/usr/src/$KERNEL_SOURCE_PKG.tar.xz" -C "$src.partial" --strip-components=1
		rm -rf "$CACHE/kernel/$version/deb"
		mv "$src.partial" "$src"
	fi
	echo "$src"
}

# Fixed build user, host and time: the same source and configuration give the same kernel.
kernel_make() { # kernel_make <src> <build-dir> <arch> <make args>...
	local src=$1 build=$2 arch=$3
	shift 3
	make -s -C "$src" O="$build" ARCH="${KERNEL_ARCH[$arch]}" CROSS_COMPILE="${KERNEL_CROSS[$arch]}" \
		KBUILD_BUILD_USER=novalab KBUILD_BUILD_HOST=novalab KBUILD_BUILD_TIMESTAMP='1970-01-01' "$@"
}

# allnoconfig plus the fragments; then every option they ask for must be in the result.
configure_kernel() { # configure_kernel <src> <build-dir> <arch>
	local src=$1 build=$2 arch=$3 wanted=$2/novalab.config line missing=()
	cat "$HELPERS/kernel/common.config" "$HELPERS/kernel/$arch.config" > "$wanted"
	kernel_make "$src" "$build" "$arch" KCONFIG_ALLCONFIG="$wanted" allnoconfig
	while IFS= read -r line; do
		[[ $line == CONFIG_* ]] || continue
		if [[ $line == *=n ]]; then
			grep -qx "${line%=n}=y" "$build/.config" && missing+=("$line")
		else
			grep -qxF "$line" "$build/.config" || missing+=("$line")
		fi
	done < "$wanted"
	((${#missing[@]} == 0)) || die "$arch kernel: Kconfig did not keep ${missing[*]} (a dependency is missing from scripts/images/kernel)"
}

# Compiles (or reuses) the kernel for <arch>; copies it to <output>, prints its release.
build_lab_kernel() { # build_lab_kernel <arch> <output>
	local arch=$1 out=$2 src digest build
	src=$(kernel_source)
	digest=$(cat "$src/Makefile" "$HELPERS/lab-kernel.sh" "$HELPERS/kernel/common.config" "$HELPERS/kernel/$arch.config" |
		sha256sum | cut -c1-16)
	build=$CACHE/kernel/build-$arch
	if [[ $(cat "$build/.novalab-digest" 2> /dev/null) != "$digest" || ! -s $build/${KERNEL_IMAGE[$arch]} ]]; then
		log "$arch: compiling the guest kernel ($(nproc) jobs; a few minutes)"
		rm -rf "$build"
		mkdir -p "$build"
		configure_kernel "$src" "$build" "$arch"
		kernel_make "$src" "$build" "$arch" -j"$(nproc)" "${KERNEL_TARGET[$arch]}" >&2
		echo "$digest" > "$build/.novalab-digest"
	fi
	cp "$build/${KERNEL_IMAGE[$arch]}" "$out"
	kernel_make "$src" "$build" "$arch" kernelrelease
}
