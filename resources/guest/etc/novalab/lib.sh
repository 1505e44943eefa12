# Functions shared by /init and after-banner.sh (sourced, POSIX sh for busybox ash).
# Every fork costs milliseconds under TCG and they add up before the banner, so the
# functions on that path use shell builtins where a pipeline would be the usual way.

METADATA_IP=169.254.169.254
CR=$(printf '\r')

# Sets CONSOLES to the kernel consoles that are live, e.g. "tty1 ttyS0" on x86_64 or
# "ttyAMA0" on aarch64.
find_consoles() {
	read -r CONSOLES < /sys/class/tty/console/active || CONSOLES=console
}

# Write $1 on every console, so the serial log and the VGA screen both carry it.
print_banner() {
	find_consoles
	for c in $CONSOLES; do
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

# eth0 by DHCP: QEMU user networking hands out 169.254.2.15/16 (no gateway with
# restrict=on; the metadata address is on the link anyway).
bring_up_network() {
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

# GET $1 from the metadata service into file $2 (the body only). Fails unless HTTP 200;
# MD_STATUS says what came back: the HTTP status, or "none" without an answer.
# busybox wget crashes fetching by IP in a static initramfs; nc speaks HTTP/1.0 fine.
md_get() {
	MD_STATUS=none
	printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$METADATA_IP" > /run/md.request
	nc -w 3 "$METADATA_IP" 80 < /run/md.request > /run/md.response 2>/dev/null
	{
		read -r status || return 1
		case "$status" in "HTTP/1."[01]" "*)
			code=${status#HTTP/1.? }
			MD_STATUS=${code%%[!0-9]*} ;;
		esac
		[ "$MD_STATUS" = 200 ] || return 1
		# The body starts after the first empty line (CRLF or bare LF).
		while read -r header && [ -n "${header%"$CR"}" ]; do :; done
		cat > "$2"
	} < /run/md.response
}

# The string value of "key" ($1) in a small JSON document held in $2, e.g. meta_data.json's
# uuid and hostname; fails if the key is missing or its value is not a string.
json_string() {
	after_key=${2#*\"$1\"}
	[ "$after_key" != "$2" ] || return 1
	after_colon=${after_key#*:}
	value=${after_colon#"${after_colon%%[![:space:]]*}"}
	case "$value" in \"*) ;; *) return 1 ;; esac
	value=${value#\"}
	printf '%s\n' "${value%%\"*}"
}

# Keep hostnames and ids printable and short: they end up on consoles and in prompts.
sanitize() {
	case "$1" in
	*[!A-Za-z0-9._-]*) printf '%s' "$1" | tr -cd 'A-Za-z0-9._-' | cut -c 1-63 ;;
	*) [ ${#1} -le 63 ] && printf '%s\n' "$1" || printf '%s\n' "$1" | cut -c 1-63 ;;
	esac
}

# The first line of file $1, without a trailing CR.
first_line() {
	read -r line < "$1" || [ -n "$line" ]
	printf '%s\n' "${line%"$CR"}"
}

# Sets INSTANCE_ID and INSTANCE_HOSTNAME: OpenStack metadata first, then the EC2 paths,
# then the kernel command line, so a banner is printed even without a metadata service.
# A server error is worth a few retries (the API may be starting); no answer at all means
# this guest has no metadata route, and waiting longer would only delay the banner.
identify_instance() {
	INSTANCE_ID='' INSTANCE_HOSTNAME=''
	for attempt in 1 2 3; do
		if md_get /openstack/latest/meta_data.json /run/meta_data.json; then
			meta_data=$(cat /run/meta_data.json)
			INSTANCE_ID=$(sanitize "$(json_string uuid "$meta_data")")
			INSTANCE_HOSTNAME=$(sanitize "$(json_string hostname "$meta_data")")
		elif [ "$MD_STATUS" = none ]; then
			break
		elif [ "$MD_STATUS" = 404 ] && md_get /latest/meta-data/instance-id /run/instance-id; then
			INSTANCE_ID=$(sanitize "$(first_line /run/instance-id)")
			md_get /latest/meta-data/hostname /run/hostname &&
				INSTANCE_HOSTNAME=$(sanitize "$(first_line /run/hostname)")
		fi
		[ -n "$INSTANCE_ID" ] && break
		sleep 0.5
	done
	[ -n "$INSTANCE_ID" ] || echo "novalab: no answer from the metadata service, using the kernel command line"
	[ -n "$INSTANCE_ID" ] || INSTANCE_ID=$(sanitize "$(cmdline_value novalab.uuid)")
	[ -n "$INSTANCE_HOSTNAME" ] || INSTANCE_HOSTNAME=$(sanitize "$(cmdline_value novalab.hostname)")
	: "${INSTANCE_ID:=unknown}" "${INSTANCE_HOSTNAME:=novalab}"
}

# busybox init keeps a root shell on each console (no getty, no password: a lab guest);
# a serial port's shell takes its lines from the kernel (see serial-shell.sh).
write_inittab() {
	find_consoles
	for c in $CONSOLES; do
		case "$c" in
		ttyS* | ttyAMA*) echo "$c::respawn:/bin/sh /etc/novalab/serial-shell.sh" ;;
		*) echo "$c::respawn:-/bin/sh" ;;
		esac
	done
	echo "::ctrlaltdel:/bin/reboot"
	echo "::shutdown:/bin/umount -a -r"
}
