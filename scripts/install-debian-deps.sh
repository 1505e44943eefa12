#!/usr/bin/env bash
# Installs every Debian package novalab needs to run the lab, build guest images and run its tests.
# (qemu-efi-aarch64, ovmf: UEFI firmware for whole-disk guests; grub-common, mtools, dosfstools,
# fdisk: building the whole-disk images without root; make, gcc, gcc-aarch64-linux-gnu, flex,
# bison, bc, libelf-dev: compiling the guest kernel from Debian's linux-source)
# Idempotent: apt-get skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  qemu-system-x86 qemu-system-arm qemu-utils \
  qemu-efi-aarch64 ovmf \
  grub-common mtools dosfstools fdisk \
  chromium \
  python3-openstackclient python3-websockify \
  tempest gettext-base \
  cpio gzip xz-utils procps iproute2 fonts-wqy-microhei \
  make gcc gcc-aarch64-linux-gnu libc6-dev flex bison bc libelf-dev \
  ca-certificates >/dev/null
