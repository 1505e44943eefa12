// First-run check: is QEMU installed, and if not, exactly how to install it on this OS.
import { execFileSync } from 'node:child_process';
import type { QemuCheck } from '../contract/desktop-api.js';
import { installInstructions } from '../contract/qemu-install.js';

export { installInstructions };

const BINARIES = ['qemu-system-x86_64', 'qemu-system-aarch64', 'qemu-img'];

/** Pure: the check's verdict from what was found where. */
export function qemuVerdict(found: Record<string, string | null>, platform: string): QemuCheck {
  const missing = BINARIES.filter((b) => !found[b]);
  return {
    found: missing.length === 0,
    binaries: found,
    install: missing.length ? `${missing.join(', ')} not found. ${installInstructions(platform)}` : null,
    accelerator: null,
  };
}

export function findQemu(platform = process.platform): QemuCheck {
  const found: Record<string, string | null> = {};
  for (const b of BINARIES) {
    try {
      const out = execFileSync(platform === 'win32' ? 'where' : 'which', [b], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      found[b] = out.split(/\r?\n/)[0]!.trim() || null;
    } catch {
      found[b] = null;
    }
  }
  return qemuVerdict(found, platform);
}
