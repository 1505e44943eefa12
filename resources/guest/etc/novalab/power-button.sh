# Turns QEMU's power button (QMP system_powerdown, what the lab's "stop" presses first)
# into a clean poweroff, so a stop takes a second instead of the driver's timeout.
# Sourced by after-banner.sh.

# x86_64: the ACPI button reaches busybox acpid as an input event; acpid runs
# /etc/acpi/PWRF/00000080.
watch_acpi_power_button() {
	acpid -c /etc/acpi -l /run/acpid.log -p /run/acpid.pid
}

# aarch64 `virt` booted with a device tree pulses line 3 of its PL061 GPIO controller; the
# kernel has no gpio-keys driver, so watch the line through sysfs instead: with an edge
# set, each pulse is counted on the "gpiolib" line of /proc/interrupts.
watch_gpio_power_button() {
	for chip in /sys/class/gpio/gpiochip*; do
		case "$(cat "$chip/label")" in *pl061*) ;; *) continue ;; esac
		line=$(($(cat "$chip/base") + 3))
		echo "$line" > /sys/class/gpio/export || return 0
		echo rising > "/sys/class/gpio/gpio$line/edge" || return 0
		read_gpiolib_irq_count
		initial=$GPIOLIB_IRQS
		while sleep 1; do
			read_gpiolib_irq_count
			[ "$GPIOLIB_IRQS" = "$initial" ] || exec poweroff
		done
	done
}

read_gpiolib_irq_count() { # without forking: this runs every second for the guest's life
	GPIOLIB_IRQS=''
	while read -r irq count rest; do
		case "$rest" in *gpiolib*) GPIOLIB_IRQS=$count; return ;; esac
	done < /proc/interrupts
}

watch_power_button() {
	case "$(uname -m)" in
	x86_64) watch_acpi_power_button ;;
	aarch64) watch_gpio_power_button & ;;
	esac
}
