// How to install QEMU on each OS: one sentence, shared by the desktop app's first-run check
// and the `novalab` command's refusal to start without it.

export function installInstructions(platform: string): string {
  switch (platform) {
    case 'darwin':
      return 'Install QEMU with Homebrew: brew install qemu';
    case 'win32':
      return 'Install QEMU for Windows from https://www.qemu.org/download/#windows and add its folder (e.g. C:\\Program Files\\qemu) to PATH, then restart novalab.';
    default:
      return "Install QEMU: sudo apt-get install qemu-system-x86 qemu-system-arm qemu-utils (Debian/Ubuntu), or your distribution's qemu packages.";
  }
}
