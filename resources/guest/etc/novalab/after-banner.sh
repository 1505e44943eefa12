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

ip link set lo up
watch_power_button
install_ssh_key
mount_root_disk
run_user_data
