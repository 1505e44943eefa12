# Assembling a guest's initramfs: busybox, our init from resources/guest, and just the
# kernel modules the init loads (sourced by build-images.sh; needs $GUEST).

# The kernel packages ship no modules.dep, so dependencies come from each module's own
# `depends=` string in its .modinfo section; the guest's busybox modprobe reads the
# modules.dep written from them. MODULE_ORDER collects the modules in load order.
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

# All dependencies of module $2, most dependent first (modules.dep's order: modprobe loads
# them from the end of the line).
transitive_depends() { # transitive_depends <modules-dir> <name>
	local -A wanted=()
	local pending=("$2") name dep i
	while ((${#pending[@]})); do
		name=${pending[0]}
		pending=("${pending[@]:1}")
		for dep in $(module_depends "${MODULE_SEEN[$name]}"); do
			[[ -n ${wanted[$dep]:-} ]] || { wanted[$dep]=1; pending+=("$dep"); }
		done
	done
	for ((i = ${#MODULE_ORDER[@]} - 1; i >= 0; i--)); do
		[[ -n ${wanted[${MODULE_ORDER[$i]}]:-} ]] && printf '%s.ko ' "${MODULE_ORDER[$i]}"
	done
}

# Copies modules (with their dependencies) into <modules-dir-in-initramfs> and writes their
# names, for the guest's `modprobe -a`, on one line of <list-file>.
install_modules() { # install_modules <package-modules-dir> <initramfs-modules-dir> <list-file> <module>...
	local from=$1 to=$2 list=$3 name
	shift 3
	for name in "$@"; do
		add_module "$from" "$name"
	done
	echo "$*" > "$list"
}

write_modules_dep() { # write_modules_dep <initramfs-modules-dir>
	local name
	for name in "${MODULE_ORDER[@]}"; do
		cp "${MODULE_SEEN[$name]}" "$1/$name.ko"
		echo "$name.ko: $(transitive_depends "$1" "$name")" | sed 's/ *$//'
	done > "$1/modules.dep"
}

# The filesystem tree of the initramfs for one architecture.
assemble_root() { # assemble_root <root> <busybox-tree> <kernel-tree> <power-modules>
	local root=$1 busybox=$2 kernel=$3 power_modules=$4 modules
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,mnt,root,etc/novalab}
	cp "$busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp -R "$GUEST/." "$root/"
	chmod 755 "$root/init" "$root/etc/novalab/udhcpc.script" "$root/etc/acpi/PWRF/00000080"
	# The kernel opens /dev/console before /init runs; without the node (a non-root build)
	# init still works, it just starts without stdio until it mounts devtmpfs.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || log "not root: no /dev/console node in the initramfs"
	modules=$(find "$kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	local target=$root/lib/modules/${modules##*/}
	mkdir -p "$target"
	MODULE_SEEN=()
	MODULE_ORDER=()
	install_modules "$modules" "$target" "$root/etc/novalab/modules-net" $NET_MODULES
	install_modules "$modules" "$target" "$root/etc/novalab/modules-disk" $DISK_MODULES
	install_modules "$modules" "$target" "$root/etc/novalab/modules-balloon" $BALLOON_MODULES
	install_modules "$modules" "$target" "$root/etc/novalab/modules-power" $power_modules
	write_modules_dep "$target"
}

# newc cpio, owned by root, in a stable order, with every mtime at the epoch: the same
# inputs give the same bytes, so the image service sees an unchanged image as unchanged.
pack_initramfs() { # pack_initramfs <root> <output>
	find "$1" -exec touch -h -d @0 {} +
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | $INITRD_COMPRESSOR > "$2"
}
