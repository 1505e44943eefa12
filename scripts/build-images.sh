#!/usr/bin/env bash
# Builds novalab's guest images (x86_64 and aarch64) from Debian packages only: a kernel
# compiled from Debian's linux-source (scripts/images/lab-kernel.sh), busybox-static, and
# our init from resources/guest. Output, read by the
# image service and the compute driver:
#   resources/images/<arch>/{vmlinuz,initrd.img,disk.qcow2} and resources/images/manifest.json
# Usage: build-images.sh [--check | --force]
#   (none)   build what is missing or stale; downloads are cached in resources/images/.cache
#   --check  exit 0 if the images exist and were built from the current inputs, else 1
#   --force  rebuild even when current
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/resources/images
CACHE=$OUT/.cache
GUEST=$ROOT/resources/guest
HELPERS=$ROOT/scripts/images

ARCHES=(x86_64 aarch64)
declare -A DEBIAN_ARCH=([x86_64]=amd64 [aarch64]=arm64)
# Measured under TCG: `quiet` (every console character is an emulated UART write) and
# `cryptomgr.notests` (the crypto self-tests take ~0.5 s on x86_64, ~1 s on aarch64) cut
# the most; `nokaslr` spares the kernel relocating itself (~0.15 s of emulated CPU).
# The last console= is /dev/console: the serial port, i.e. the console log.
# `no_timer_check`: on a busy host (20 TCG guests booting on 2 cores) the x86 kernel's early
# check that the timer interrupt arrives during a short delay loop fails and it panics
# ("IO-APIC + timer doesn't work!"); the emulated timer works, it is only late.
declare -A KERNEL_CMDLINE=(
	[x86_64]="console=tty1 console=ttyS0 quiet cryptomgr.notests nokaslr no_timer_check"
	[aarch64]="console=ttyAMA0 quiet cryptomgr.notests nokaslr"
)
# Uncompressed: gunzip of a 1 MB initramfs costs the emulated CPU more (~0.9 s) than QEMU
# spends copying 2.5 MB into guest memory.
INITRD_COMPRESSOR=cat
DISK_SIZE=64M
DISK_FS_UUID=6e6f7661-6c61-4200-8000-726f6f746673

log() { echo "build-images: $*" >&2; }
die() { log "error: $*"; exit 1; }

. "$HELPERS/debian-packages.sh"
. "$HELPERS/initramfs.sh"
. "$HELPERS/lab-kernel.sh"

# A digest of everything that shapes the images (this script, its helpers, the guest
# files); --check compares it with the one recorded at the last build.
inputs_digest() {
	(cd "$ROOT" && find scripts/build-images.sh scripts/images resources/guest -type f |
		LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

images_are_current() {
	local arch file
	for arch in "${ARCHES[@]}"; do
		for file in vmlinuz initrd.img disk.qcow2; do
			[[ -s $OUT/$arch/$file ]] || return 1
		done
	done
	[[ -s $OUT/manifest.json && -f $OUT/.inputs-sha256 ]] || return 1
	[[ $(cat "$OUT/.inputs-sha256") == "$(inputs_digest)" ]]
}

require_tools() {
	local tool
	for tool in apt-get apt-cache dpkg-deb cpio gzip xz qemu-img mke2fs sha256sum; do
		command -v "$tool" > /dev/null || die "$tool is needed (Debian: apt-get install it)"
	done
	require_kernel_tools
}

# A small ext4 root disk, so each instance's overlay has somewhere to keep data. Fixed
# UUID, hash seed and clock make it the same bytes on every build.
make_disk() { # make_disk <output> <work-dir>
	local raw=$2/disk.raw
	rm -f "$raw"
	truncate -s "$DISK_SIZE" "$raw"
	E2FSPROGS_FAKE_TIME=1 mke2fs -q -F -t ext4 -L novalab-root -U "$DISK_FS_UUID" \
		-E "root_owner=0:0,hash_seed=$DISK_FS_UUID" "$raw"
	qemu-img convert -f raw -O qcow2 "$raw" "$1"
	rm -f "$raw"
}

# Builds one architecture into $OUT/.staging/<arch>; prints the kernel release built.
build_arch() { # build_arch <arch>
	local arch=$1 deb_arch=${DEBIAN_ARCH[$1]} busybox_deb
	local work=$CACHE/work/$arch stage=$OUT/.staging/$arch release
	refresh_package_lists "$deb_arch"
	busybox_deb=$(fetch_deb "$deb_arch" busybox-static)
	rm -rf "$work" "$stage"
	mkdir -p "$work" "$stage"
	dpkg-deb -x "$busybox_deb" "$work/busybox"
	release=$(build_lab_kernel "$arch" "$stage/vmlinuz")
	log "$arch: kernel $release"
	assemble_root "$work/root" "$work/busybox"
	pack_initramfs "$work/root" "$stage/initrd.img"
	make_disk "$stage/disk.qcow2" "$work"
	rm -rf "$work"
	echo "$release"
}

manifest_entry() { # manifest_entry <arch> <kernel-release>
	printf '    {"name": "novalab-%s", "architecture": "%s", "hypervisor_type": "qemu",\n' "$1" "$1"
	printf '     "kernel": "%s/vmlinuz", "ramdisk": "%s/initrd.img", "disk": "%s/disk.qcow2",\n' "$1" "$1" "$1"
	printf '     "os_command_line": "%s", "kernel_version": "%s"}' "${KERNEL_CMDLINE[$1]}" "$2"
}

write_manifest() { # write_manifest <arch>=<release>...
	local pair sep=''
	{
		echo '{"images": ['
		for pair in "$@"; do
			printf '%s' "$sep"
			manifest_entry "${pair%%=*}" "${pair#*=}"
			sep=$',\n'
		done
		printf '\n  ], "built_at": "%s", "inputs_sha256": "%s"}\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(inputs_digest)"
	} > "$OUT/manifest.json.new"
	mv "$OUT/manifest.json.new" "$OUT/manifest.json"
}

main() {
	local mode=${1:-build} arch release built=()
	case "$mode" in
	--check) images_are_current && exit 0 || exit 1 ;;
	--force | build) ;;
	*) die "usage: build-images.sh [--check | --force]" ;;
	esac
	require_tools
	mkdir -p "$CACHE"
	# One build at a time: the app and the real tests may both ask for images.
	exec 9> "$CACHE/lock"
	command -v flock > /dev/null && flock 9
	if [[ $mode == build ]] && images_are_current; then
		log "images are current ($OUT)"
		exit 0
	fi
	for arch in "${ARCHES[@]}"; do
		release=$(build_arch "$arch")
		built+=("$arch=$release")
	done
	# Swap in whole architectures, then the manifest, so readers never see a half build.
	for arch in "${ARCHES[@]}"; do
		rm -rf "$OUT/$arch"
		mv "$OUT/.staging/$arch" "$OUT/$arch"
	done
	rmdir "$OUT/.staging"
	write_manifest "${built[@]}"
	inputs_digest > "$OUT/.inputs-sha256"
	log "done: $OUT/manifest.json"
}

main "$@"
