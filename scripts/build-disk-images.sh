#!/usr/bin/env bash
# Builds novalab's whole-disk guest images: a partitioned disk with its own bootloader, as
# every real cloud's images are, booted through the firmware rather than by QEMU's -kernel.
# The kernel and initramfs are the lab images' (scripts/build-images.sh), so the guest
# prints the same banner and asks the metadata service the same way; the bootloader is
# Debian's GRUB, its modules taken from the .deb with dpkg-deb -x. No root, no loop mount:
# the FAT file system is made in a file (mkfs.fat, mtools) and copied into the disk.
#   x86_64:  MBR disk, GRUB i386-pc (boot.img in the MBR, core.img after it) for SeaBIOS,
#            and EFI/BOOT/BOOTX64.EFI on the same FAT partition for UEFI (OVMF), as Debian's
#            own cloud images boot either way
#   aarch64: GPT disk, an EFI system partition with EFI/BOOT/BOOTAA64.EFI for UEFI (AAVMF)
# Output: resources/images/whole-disk/<arch>/disk.qcow2 and resources/images/whole-disk/manifest.json
# Usage: build-disk-images.sh [--check | --force]   (as build-images.sh)
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES=$ROOT/resources/images
OUT=$IMAGES/whole-disk
CACHE=$IMAGES/.cache
HELPERS=$ROOT/scripts/images

ARCHES=(x86_64 aarch64)
declare -A DEBIAN_ARCH=([x86_64]=amd64 [aarch64]=arm64)
declare -A GRUB_PACKAGE=([x86_64]=grub-pc-bin [aarch64]=grub-efi-arm64-bin)
declare -A GRUB_TARGET=([x86_64]=i386-pc [aarch64]=arm64-efi)
# x86_64's second bootloader, for UEFI.
X86_EFI_PACKAGE=grub-efi-amd64-bin
X86_EFI_TARGET=x86_64-efi
declare -A FIRMWARE=([x86_64]=bios [aarch64]=uefi)
# The first partition is GRUB's root: msdos1 on the MBR disk, gpt1 on the GPT disk.
declare -A PARTITION=([x86_64]=msdos1 [aarch64]=gpt1)
# Only what the embedded config uses: no menu, no normal mode, so no timeout to wait out.
declare -A GRUB_MODULES=([x86_64]="biosdisk part_msdos fat linux boot" [aarch64]="part_gpt fat linux boot")
X86_EFI_MODULES="part_msdos fat linux boot"
DISK_MIB=64
START_SECTOR=2048 # 1 MiB: room for GRUB's core.img between the MBR and the partition
# Fixed ids and clock: the same inputs make the same bytes.
FAT_VOLUME_ID=6e6f7661
MBR_LABEL_ID=0x6e6f7661
GPT_LABEL_ID=6E6F7661-6C61-4200-8000-6469736B0000
GPT_PART_UUID=6E6F7661-6C61-4200-8000-6469736B0001
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
export TZ=UTC SOURCE_DATE_EPOCH=946684800 # 2000-01-01: mtools stamps directories with it
FILE_DATE=2000-01-01T00:00:00Z

log() { echo "build-disk-images: $*" >&2; }
die() { log "error: $*"; exit 1; }

. "$HELPERS/debian-packages.sh"

# This script and the lab images it packs (their own digest covers how they were made).
# Paths relative to the checkout, as build-images.sh does: a checkout elsewhere (or a moved one)
# sharing these images must not see them as stale and rebuild them at every `novalab up`.
inputs_digest() {
	{
		(cd "$ROOT" && sha256sum scripts/build-disk-images.sh scripts/images/debian-packages.sh)
		cat "$IMAGES/.inputs-sha256" 2> /dev/null || true
	} | sha256sum | cut -d' ' -f1
}

images_are_current() {
	local arch
	for arch in "${ARCHES[@]}"; do
		[[ -s $OUT/$arch/disk.qcow2 ]] || return 1
	done
	[[ -s $OUT/manifest.json && -f $OUT/.inputs-sha256 ]] || return 1
	[[ $(cat "$OUT/.inputs-sha256") == "$(inputs_digest)" ]]
}

require_tools() {
	local tool
	for tool in apt-get dpkg-deb qemu-img sha256sum; do
		command -v "$tool" > /dev/null || die "$tool is needed (Debian: apt-get install it)"
	done
	command -v grub-mkimage > /dev/null || die "grub-mkimage is needed (Debian: apt-get install grub-common)"
	command -v sfdisk > /dev/null || die "sfdisk is needed (Debian: apt-get install fdisk)"
	command -v mkfs.fat > /dev/null || die "mkfs.fat is needed (Debian: apt-get install dosfstools)"
	command -v mcopy > /dev/null || die "mcopy is needed (Debian: apt-get install mtools)"
}

# The kernel command line the lab image boots with (manifest.json, one entry per arch).
lab_cmdline() { # lab_cmdline <arch>
	local line
	line=$(grep -A 2 "\"name\": \"novalab-$1\"" "$IMAGES/manifest.json" | sed -n 's/.*"os_command_line": "\([^"]*\)".*/\1/p')
	[[ -n $line ]] || die "no os_command_line for novalab-$1 in $IMAGES/manifest.json"
	echo "$line"
}

lab_kernel_version() { # lab_kernel_version <arch>
	grep -A 2 "\"name\": \"novalab-$1\"" "$IMAGES/manifest.json" | sed -n 's/.*"kernel_version": "\([^"]*\)".*/\1/p'
}

# GRUB's config, built into its image: boot the lab kernel and initramfs at once.
write_grub_config() { # write_grub_config <arch> <file>
	cat > "$2" <<-EOF
		set root=(hd0,${PARTITION[$1]})
		linux /vmlinuz $(lab_cmdline "$1")
		initrd /initrd.img
		boot
	EOF
}

# A FAT file system image of <sectors> 512-byte sectors holding the kernel and initramfs
# (and whatever else is listed as <path-in-fs>=<file>), every date fixed.
make_fat() { # make_fat <output> <sectors> <arch> [<dir-in-fs>=<file>]...
	local out=$1 sectors=$2 arch=$3 pair dir file
	shift 3
	rm -f "$out"
	mkfs.fat --invariant -i "$FAT_VOLUME_ID" -n NOVALAB -F 16 -h "$START_SECTOR" -C "$out" $((sectors / 2)) > /dev/null
	for file in vmlinuz initrd.img; do
		cp "$IMAGES/$arch/$file" "$WORK/$file"
		touch -d "$FILE_DATE" "$WORK/$file"
		mcopy -m -i "$out" "$WORK/$file" ::/
	done
	for pair in "$@"; do
		dir=${pair%%=*} file=${pair#*=}
		[[ $dir == */* ]] && mmd -i "$out" "::/${dir%%/*}"
		mmd -i "$out" "::/$dir"
		touch -d "$FILE_DATE" "$file"
		mcopy -m -i "$out" "$file" "::/$dir/"
	done
}

partition_sectors() { # what sfdisk leaves for the one partition
	case $1 in
	x86_64) echo $((DISK_MIB * 2048 - START_SECTOR)) ;;
	aarch64) echo $((DISK_MIB * 2048 - START_SECTOR - 34)) ;; # the backup GPT at the end
	esac
}

# MBR: boot.img's code in the first 440 bytes (the partition table after it stays),
# core.img from sector 1 on, where boot.img looks for it; grub-mkimage has already written
# core.img's own length into it, so nothing else needs patching (grub-bios-setup's job).
make_bios_disk() { # make_bios_disk <raw> <grub-dir> <fat>
	printf 'label: dos\nlabel-id: %s\nunit: sectors\n\nstart=%s, type=c, bootable\n' "$MBR_LABEL_ID" "$START_SECTOR" | sfdisk -q "$1"
	dd if="$3" of="$1" bs=512 seek="$START_SECTOR" conv=notrunc status=none
	dd if="$2/boot.img" of="$1" bs=440 count=1 conv=notrunc status=none
	local core_sectors=$((($(stat -c %s "$WORK/core.img") + 511) / 512))
	((core_sectors < START_SECTOR - 1)) || die "core.img ($core_sectors sectors) does not fit before the partition"
	dd if="$WORK/core.img" of="$1" bs=512 seek=1 conv=notrunc status=none
}

make_uefi_disk() { # make_uefi_disk <raw> <fat>
	printf 'label: gpt\nlabel-id: %s\nunit: sectors\nfirst-lba: %s\n\nstart=%s, size=%s, type=%s, uuid=%s, name="EFI system partition"\n' \
		"$GPT_LABEL_ID" "$START_SECTOR" "$START_SECTOR" "$(partition_sectors aarch64)" "$ESP_TYPE" "$GPT_PART_UUID" | sfdisk -q "$1"
	dd if="$2" of="$1" bs=512 seek="$START_SECTOR" conv=notrunc status=none
}

build_arch() { # build_arch <arch>: into $OUT/.staging/<arch>
	local arch=$1 deb_arch=${DEBIAN_ARCH[$1]} grub_deb grub_dir stage=$OUT/.staging/$1 raw fat
	WORK=$CACHE/work/disk-$arch
	rm -rf "$WORK" "$stage"
	mkdir -p "$WORK" "$stage"
	refresh_package_lists "$deb_arch"
	grub_deb=$(fetch_deb "$deb_arch" "${GRUB_PACKAGE[$arch]}")
	dpkg-deb -x "$grub_deb" "$WORK/grub"
	grub_dir=$WORK/grub/usr/lib/grub/${GRUB_TARGET[$arch]}
	write_grub_config "$arch" "$WORK/grub.cfg"
	raw=$WORK/disk.raw fat=$WORK/fat.img
	truncate -s "${DISK_MIB}M" "$raw"
	case $arch in
	x86_64)
		grub-mkimage -O i386-pc -d "$grub_dir" -o "$WORK/core.img" -p "(hd0,${PARTITION[$arch]})/" -c "$WORK/grub.cfg" ${GRUB_MODULES[$arch]}
		dpkg-deb -x "$(fetch_deb amd64 "$X86_EFI_PACKAGE")" "$WORK/grub-efi"
		grub-mkimage -O "$X86_EFI_TARGET" -d "$WORK/grub-efi/usr/lib/grub/$X86_EFI_TARGET" -o "$WORK/BOOTX64.EFI" -p /EFI/BOOT \
			-c "$WORK/grub.cfg" $X86_EFI_MODULES
		make_fat "$fat" "$(partition_sectors "$arch")" "$arch" "EFI/BOOT=$WORK/BOOTX64.EFI"
		make_bios_disk "$raw" "$grub_dir" "$fat"
		;;
	aarch64)
		grub-mkimage -O arm64-efi -d "$grub_dir" -o "$WORK/BOOTAA64.EFI" -p /EFI/BOOT -c "$WORK/grub.cfg" ${GRUB_MODULES[$arch]}
		make_fat "$fat" "$(partition_sectors "$arch")" "$arch" "EFI/BOOT=$WORK/BOOTAA64.EFI"
		make_uefi_disk "$raw" "$fat"
		;;
	esac
	qemu-img convert -f raw -O qcow2 "$raw" "$stage/disk.qcow2"
	log "$arch: $(basename "$grub_deb"), $(stat -c %s "$stage/disk.qcow2") bytes"
	rm -rf "$WORK"
}

manifest_entry() { # manifest_entry <arch>
	printf '    {"name": "novalab-disk-%s", "disk": "%s/disk.qcow2", "architecture": "%s", "hypervisor_type": "qemu",\n' "$1" "$1" "$1"
	printf '     "hw_firmware_type": "%s", "os_distro": "debian", "os_version": "12", "kernel_version": "%s"}' \
		"${FIRMWARE[$1]}" "$(lab_kernel_version "$1")"
}

write_manifest() {
	local arch sep=''
	{
		echo '{"images": ['
		for arch in "${ARCHES[@]}"; do
			printf '%s' "$sep"
			manifest_entry "$arch"
			sep=$',\n'
		done
		printf '\n  ], "inputs_sha256": "%s"}\n' "$(inputs_digest)"
	} > "$OUT/manifest.json.new"
	mv "$OUT/manifest.json.new" "$OUT/manifest.json"
}

main() {
	local mode=${1:-build} arch
	case "$mode" in
	--check) images_are_current && exit 0 || exit 1 ;;
	--force | build) ;;
	*) die "usage: build-disk-images.sh [--check | --force]" ;;
	esac
	# The kernel and initramfs come from the lab images: build those first if they are not.
	bash "$ROOT/scripts/build-images.sh"
	require_tools
	mkdir -p "$CACHE" "$OUT"
	exec 9> "$CACHE/disk-lock"
	command -v flock > /dev/null && flock 9
	if [[ $mode == build ]] && images_are_current; then
		log "whole-disk images are current ($OUT)"
		exit 0
	fi
	for arch in "${ARCHES[@]}"; do
		build_arch "$arch"
	done
	for arch in "${ARCHES[@]}"; do
		rm -rf "${OUT:?}/$arch"
		mv "$OUT/.staging/$arch" "$OUT/$arch"
	done
	rmdir "$OUT/.staging"
	write_manifest
	inputs_digest > "$OUT/.inputs-sha256"
	log "done: $OUT/manifest.json"
}

main "$@"
