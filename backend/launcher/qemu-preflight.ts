// Before the lab starts a QEMU-driven nova-compute: are QEMU's programs on the PATH? If not,
// `novalab up` refuses in two plain lines — what is missing, and how to install it on this OS —
// instead of a nova-compute failing later with a trace.
import fs from 'node:fs';
import path from 'node:path';
import { installInstructions } from '../../contract/qemu-install.js';

const SYSTEMS = ['qemu-system-x86_64', 'qemu-system-aarch64'];

/** Pure: the refusal for what was found (empty: QEMU is there). */
export function qemuProblems(found: (binary: string) => boolean, platform: string): string[] {
  const missing = SYSTEMS.every((b) => !found(b))
    ? `QEMU is not installed: neither ${SYSTEMS.join(' nor ')} is on the PATH.`
    : !found('qemu-img')
      ? 'qemu-img is not on the PATH (the lab makes each guest its disk with it).'
      : null;
  return missing ? [missing, installInstructions(platform)] : [];
}

/** Is `binary` an executable file in a directory of PATH (with Windows' extensions there)? */
export function onPath(binary: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      try {
        fs.accessSync(path.join(dir, binary + ext), fs.constants.X_OK);
        return true;
      } catch {
        /* not here */
      }
    }
  }
  return false;
}
