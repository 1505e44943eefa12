# Assembling a guest's initramfs: busybox, our init from resources/guest, and just the
# kernel modules the init loads (sourced by build-images.sh; needs $GUEST).

# The kernel packages ship no modules.dep, so load order comes from each module's own
# `depends=` string in its .modinfo section. Appends to MODULE_ORDER, deps first.
declare -A MODULE_SEEN=()
declare -a MODULE_ORDER=()

module_file() { # module_file <modules-dir> <name>: modules may spell - where names say _
	local found
	found=$(find "$1" \( -name "$2.ko" -o -name "${2//_/-}.ko" \) -print -quit)
	[[ -n $found ]] || die "module $2 is not in $1"
	echo "$found"
}

module_depends() {
	grep -a -o -m 1 'depends=[A-Za-z0-9_,-]*' "$1" | head -n 1 | cut -d= -f2 | tr ',' ' '
}

add_module() { # add_module <modules-dir> <name>
	local dir=$1 name=$2 file dep
	[[ -n ${MODULE_SEEN[$name]:-} ]] && return 0
	file=$(module_file "$dir" "$name")
	for dep in $(module_depends "$file"); do
		add_module "$dir" "$dep"
	done
	MODULE_SEEN[$name]=$file
	MODULE_ORDER+=("$name")
}

# Copies the modules named after <list-file> (and their deps not yet listed) into the
# initramfs, and writes their load order to <list-file>.
install_modules() { # install_modules <modules-dir> <root> <list-file> <module>...
	local dir=$1 root=$2 list=$3 name
	shift 3
	local before=${#MODULE_ORDER[@]}
	for name in "$@"; do
		add_module "$dir" "$name"
	done
	mkdir -p "$root/lib/modules"
	: > "$list"
	for name in "${MODULE_ORDER[@]:$before}"; do
		cp "${MODULE_SEEN[$name]}" "$root/lib/modules/$name.ko"
		echo "$name" >> "$list"
	done
}

# The filesystem tree of the initramfs for one architecture.
assemble_root() { # assemble_root <root> <busybox-tree> <kernel-tree>
	local root=$1 busybox=$2 kernel=$3 modules
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,mnt,root,etc/novalab}
	cp "$busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp -R "$GUEST/." "$root/"
	chmod 755 "$root/init" "$root/etc/novalab/udhcpc.script"
	# The kernel opens /dev/console before /init runs; without the node (a non-root build)
	# init still works, it just starts without stdio until it mounts devtmpfs.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || log "not root: no /dev/console node in the initramfs"
	modules=$(find "$kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	MODULE_SEEN=()
	MODULE_ORDER=()
	install_modules "$modules" "$root" "$root/etc/novalab/modules-net" $NET_MODULES
	install_modules "$modules" "$root" "$root/etc/novalab/modules-disk" $DISK_MODULES
}

# newc cpio, owned by root, in a stable order, compressed with $INITRD_COMPRESSOR.
pack_initramfs() { # pack_initramfs <root> <output>
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | $INITRD_COMPRESSOR > "$2"
}
