# The root shell of a serial console (ttyS0, ttyAMA0), run by busybox init from /etc/inittab.
#
# Why not ash on the tty directly: ash's line editor asks the terminal where its cursor is
# (ESC [ 6 n) after every prompt. On aarch64 the serial port is QEMU's text console, the screen
# the VNC console shows, and QEMU 7.2 draws its answer there instead of sending it back, so
# every prompt was followed by "←[9;14R"; the query also went into every console log.
# Here the kernel's line discipline edits the line (echo, backspace, Ctrl-U, Ctrl-C) and dd
# hands each finished line to ash, whose input is then no terminal, so it never asks.
# dd, not cat: busybox cat moves tty input with sendfile, which holds a line back.
# dd ignores Ctrl-C (the shell and its command get it); `exit` ends the pair, and init
# starts a new one.
(
	trap '' INT
	exec dd bs=4096 2>/dev/null
) | {
	/bin/sh -l -i +m
	kill 0
}
