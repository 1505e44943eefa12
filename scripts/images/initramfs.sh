# Assembling a guest's initramfs: busybox and our init from resources/guest; the kernel
# has every driver built in (sourced by build-images.sh; needs $GUEST).

# The filesystem tree of the initramfs for one architecture.
assemble_root() { # assemble_root <root> <busybox-tree>
	local root=$1 busybox=$2
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,mnt,root,etc/novalab}
	cp "$busybox/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp -R "$GUEST/." "$root/"
	chmod 755 "$root/init" "$root/etc/novalab/udhcpc.script" "$root/etc/acpi/PWRF/00000080"
	# The kernel opens /dev/console before /init runs; without the node (a non-root build)
	# init still works, it just starts without stdio until it mounts devtmpfs.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || log "not root: no /dev/console node in the initramfs"
}

# newc cpio, owned by root, in a stable order, with every mtime at the epoch: the same
# inputs give the same bytes, so the image service sees an unchanged image as unchanged.
pack_initramfs() { # pack_initramfs <root> <output>
	find "$1" -exec touch -h -d @0 {} +
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | $INITRD_COMPRESSOR > "$2"
}
