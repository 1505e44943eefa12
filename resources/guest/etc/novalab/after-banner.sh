# What the guest does once its banner is out (run in the background by /init): answer the
# power button, install the instance's SSH key, mount the root disk, run the user data.
. /etc/novalab/lib.sh
. /etc/novalab/power-button.sh

install_ssh_key() {
	md_get /latest/meta-data/public-keys/0/openssh-key /run/openssh-key || return 0
	mkdir -p /root/.ssh
	chmod 700 /root/.ssh
	cat /run/openssh-key >> /root/.ssh/authorized_keys
	chmod 600 /root/.ssh/authorized_keys
}

# The root disk (the instance's qcow2 overlay) holds a small ext4 made by build-images.sh;
# mounted on /mnt it is where a lab shows that data outlives a reboot but not a rebuild.
mount_root_disk() {
	[ -b /dev/vda ] && mount -t ext4 /dev/vda /mnt 2>/dev/null
}

# Like cloud-init: user data that starts with #! is a script to run, once per boot here.
run_user_data() {
	md_get /openstack/latest/user_data /run/user-data || return 0
	[ "$(head -c 2 /run/user-data)" = '#!' ] || return 0
	chmod 700 /run/user-data
	echo "novalab: running user data"
	/run/user-data
	echo "novalab: user data exited with status $?"
}

# The virtio balloon takes free-page reports and hands those pages back to the host; the
# guest keeps all its memory. Linux reports only free blocks of its pageblock size and up
# (4 MB in this kernel), which leaves held most of what the boot freed (the initramfs, the
# kernel's init code, the decompressor's work area). Reporting single free pages gives back
# the most. Set once the driver registered: registering overrides the order (Linux 6.1).
report_free_pages() {
	[ -w /sys/module/page_reporting/parameters/page_reporting_order ] &&
		echo 0 > /sys/module/page_reporting/parameters/page_reporting_order
}

ip link set lo up
report_free_pages
watch_power_button
install_ssh_key
mount_root_disk
run_user_data
