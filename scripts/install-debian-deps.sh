#!/usr/bin/env bash
# Installs every Debian package novalab needs to run the lab, build guest images and run its tests.
# Idempotent: apt-get skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  qemu-system-x86 qemu-system-arm qemu-utils \
  chromium \
  python3-openstackclient python3-websockify \
  tempest gettext-base \
  cpio gzip xz-utils procps iproute2 fonts-wqy-microhei \
  ca-certificates >/dev/null
