// Stopping and soft-rebooting a guest politely, then firmly (as Lima's and Nova's:
// ask through ACPI, wait with a timeout, then stop it).
import type { GuestArch } from '../../driver.js';
import type { QemuProcess } from './qemu-process.js';

/** ACPI power button; after timeoutMs `quit`; after 3 s more, SIGKILL. */
export async function stopGracefully(p: QemuProcess, timeoutMs: number): Promise<void> {
  p.expectedExit = true;
  await p.qmp.execute('system_powerdown').catch(() => undefined);
  if (await p.waitForExit(timeoutMs)) return;
  await p.qmp.execute('quit').catch(() => undefined);
  if (await p.waitForExit(3000)) return;
  await p.kill();
}

const CTRL_ALT_DEL = ['ctrl', 'alt', 'delete'].map((data) => ({ type: 'qcode', data }));

/** Asks the guest to reboot itself — Ctrl-Alt-Del on x86_64 (the guest's init reboots on
 *  it), the power button on aarch64 (virt has no keyboard) — and waits for the guest's own
 *  reset. A guest that powers off instead has 'exited' (the caller starts it again); one
 *  that does nothing within timeoutMs is reset ('forced'), as Nova falls back to a hard
 *  reboot. */
export async function softReboot(p: QemuProcess, arch: GuestArch, timeoutMs: number): Promise<'reset' | 'exited' | 'forced'> {
  p.expectedExit = true;
  const reset = p.qmp
    .waitForEvent('RESET', timeoutMs, (e) => e.data?.guest === true)
    .then(
      () => 'reset' as const,
      () => 'timeout' as const,
    );
  const exited = p.exited.then(() => 'exited' as const);
  if (arch === 'x86_64') await p.qmp.execute('send-key', { keys: CTRL_ALT_DEL }).catch(() => undefined);
  else await p.qmp.execute('system_powerdown').catch(() => undefined);
  const outcome = await Promise.race([reset, exited]);
  if (outcome === 'exited') return 'exited';
  p.expectedExit = false;
  if (outcome === 'reset') return 'reset';
  await p.qmp.execute('system_reset');
  await p.qmp.execute('cont');
  return 'forced';
}
