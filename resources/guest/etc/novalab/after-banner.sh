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
	load_modules /etc/novalab/modules-disk
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

# The virtio balloon (when QEMU has one) takes free-page reports and hands those pages back
# to the host; the guest keeps all its memory. Linux reports only free blocks of 2 MB and up
# (page_reporting_order 9), which leaves held most of what the boot freed: the compressed
# kernel's 14 MB below 16 MB (a zone too small for 2 MB reports) and the gaps of the kernel
# image. 128 KB blocks (order 5) give back ~24 MB of an x86_64 guest. Set after the driver
# loads: registering overrides the order (Linux 6.1).
report_free_pages() {
	load_modules /etc/novalab/modules-balloon
	[ -w /sys/module/page_reporting/parameters/page_reporting_order ] &&
		echo 5 > /sys/module/page_reporting/parameters/page_reporting_order
}

ip link set lo up
report_free_pages
watch_power_button
install_ssh_key
mount_root_disk
run_user_data
