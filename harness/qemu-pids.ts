// The QEMU guests of one lab, found by its state directory on their command line: a guest
// re-adopted after a nova-compute restart has lost its parent, so a process tree misses it.
import fs from 'node:fs';

export function labQemuPids(stateDir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.startsWith('qemu-system-') && cmd.includes(stateDir);
      } catch {
        return false;
      }
    });
}
