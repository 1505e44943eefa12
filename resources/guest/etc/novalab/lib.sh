# Functions shared by /init and after-banner.sh (sourced, POSIX sh for busybox ash).

METADATA_IP=169.254.169.254
CR=$(printf '\r')

# insmod each module named in $1, one per line, in order. build-images.sh writes the list
# already sorted by the modules' own `depends=` (there is no modules.dep and no modprobe
# database in the initramfs).
load_modules() {
	while read -r mod; do
		[ -n "$mod" ] && insmod "/lib/modules/$mod.ko"
	done < "$1"
}

# The kernel consoles that are live, e.g. "tty1 ttyS0" on x86_64 or "ttyAMA0" on aarch64.
active_consoles() {
	cat /sys/class/tty/console/active 2>/dev/null || echo console
}

# Write $1 on every console, so the serial log and the VGA screen both carry it.
print_banner() {
	for c in $(active_consoles); do
		echo "$1" > "/dev/$c"
	done
}

# Value of `name=value` on the kernel command line, e.g. novalab.hostname=web-1.
cmdline_value() {
	for word in $(cat /proc/cmdline); do
		case "$word" in "$1"=*) echo "${word#*=}"; return 0 ;; esac
	done
	return 1
}

# eth0 by DHCP (QEMU user networking hands out 169.254.2.15, gateway 169.254.2.2).
bring_up_network() {
	ip link set lo up
	tries=0
	while [ ! -e /sys/class/net/eth0 ]; do
		tries=$((tries + 1))
		[ "$tries" -gt 20 ] && { echo "novalab: no eth0, skipping the network"; return 1; }
		sleep 0.1
	done
	ip link set eth0 up
	udhcpc -i eth0 -s /etc/novalab/udhcpc.script -f -q -n -t 5 -T 1 >/dev/null 2>&1 ||
		{ echo "novalab: no DHCP lease on eth0"; return 1; }
}

# GET $1 from the metadata service into file $2 (the body only). Fails unless HTTP 200.
# busybox wget crashes fetching by IP in a static initramfs; nc speaks HTTP/1.0 fine.
md_get() {
	printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$METADATA_IP" |
		nc -w 3 "$METADATA_IP" 80 > /run/md.response 2>/dev/null
	head -n 1 /run/md.response | grep -q '^HTTP/1\.[01] 200' || return 1
	# The body starts after the first empty line (CRLF or bare LF).
	sed "1,/^${CR}\{0,1\}\$/d" /run/md.response > "$2"
}

# A top-level "key": "string" of a small JSON document ($2), enough for meta_data.json.
json_string() {
	tr ',{}' '\n\n\n' < "$2" |
		sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# Keep hostnames and ids printable and short: they end up on consoles and in prompts.
sanitize() {
	tr -cd 'A-Za-z0-9._-' | cut -c 1-63
}

# Sets INSTANCE_ID and INSTANCE_HOSTNAME: OpenStack metadata first, then the EC2 paths,
# then the kernel command line, so a banner is printed even without a metadata service.
identify_instance() {
	INSTANCE_ID='' INSTANCE_HOSTNAME=''
	attempt=0
	while [ -z "$INSTANCE_ID" ] && [ "$attempt" -lt 4 ]; do
		[ "$attempt" -gt 0 ] && sleep 0.5
		attempt=$((attempt + 1))
		if md_get /openstack/latest/meta_data.json /run/meta_data.json; then
			INSTANCE_ID=$(json_string uuid /run/meta_data.json | sanitize)
			INSTANCE_HOSTNAME=$(json_string hostname /run/meta_data.json | sanitize)
		elif md_get /latest/meta-data/instance-id /run/instance-id; then
			INSTANCE_ID=$(sanitize < /run/instance-id)
			md_get /latest/meta-data/hostname /run/hostname &&
				INSTANCE_HOSTNAME=$(sanitize < /run/hostname)
		fi
	done
	[ -n "$INSTANCE_ID" ] || echo "novalab: metadata service unreachable, using the kernel command line"
	[ -n "$INSTANCE_ID" ] || INSTANCE_ID=$(cmdline_value novalab.uuid | sanitize)
	[ -n "$INSTANCE_HOSTNAME" ] || INSTANCE_HOSTNAME=$(cmdline_value novalab.hostname | sanitize)
	: "${INSTANCE_ID:=unknown}" "${INSTANCE_HOSTNAME:=novalab}"
}

# busybox init keeps a root shell on each console (no getty, no password: a lab guest).
write_inittab() {
	for c in $(active_consoles); do
		echo "$c::respawn:-/bin/sh"
	done
	echo "::ctrlaltdel:/bin/reboot"
	echo "::shutdown:/bin/umount -a -r"
}
