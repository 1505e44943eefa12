// What a previous compute process left in the instances directory: for each instance, the
// pid its QEMU had (if the pid file is still there), and whether that pid is still a
// QEMU for this instance (and not a recycled pid now used by something else).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { instanceFiles, isInstanceUuid, type InstanceFiles } from './instance-files.js';
import { QemuProcess, isAlive } from './qemu-process.js';

export interface Leftover {
  uuid: string;
  files: InstanceFiles;
  /** The pid from the pid file, or null when there is none (stopped or suspended guest). */
  pid: number | null;
}

export function findLeftovers(instancesDir: string): Leftover[] {
  let names: string[];
  try {
    names = fs.readdirSync(instancesDir);
  } catch {
    return [];
  }
  return names.filter(isInstanceUuid).map((uuid) => {
    const files = instanceFiles(instancesDir, uuid);
    return { uuid, files, pid: readPid(files.pidFile) };
  });
}

export function readPid(file: string): number | null {
  try {
    const pid = parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a command line (NUL- or space-separated) is a QEMU system emulator for uuid. */
export function isQemuCommandFor(cmdline: string, uuid: string): boolean {
  const words = cmdline.split(/\0| /);
  return /qemu-system-/.test(words[0] ?? '') && words.some((w) => w.includes(uuid));
}

/** The command line of a live process (Linux /proc; elsewhere `ps`), or null. */
export function processCommandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (err) {
    if (process.platform === 'linux' || (err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Re-supervises each leftover whose QEMU still runs (skipping those `known`); the others
 *  that had a pid file have vanished (their stale pid file is removed). A QEMU that is
 *  alive but does not answer QMP within 10 s cannot be managed, and is killed rather than
 *  left as an orphan. Stopped and suspended guests (no pid file) are neither. */
export async function adoptLeftovers(instancesDir: string, known: (uuid: string) => boolean, pollMs: number) {
  const adopted: { uuid: string; files: InstanceFiles; proc: QemuProcess }[] = [];
  const vanished: string[] = [];
  for (const l of findLeftovers(instancesDir)) {
    if (known(l.uuid) || l.pid === null) continue;
    const cmdline = isAlive(l.pid) ? processCommandLine(l.pid) : null;
    if (cmdline && isQemuCommandFor(cmdline, l.uuid)) {
      try {
        adopted.push({ uuid: l.uuid, files: l.files, proc: await QemuProcess.adopt(l.pid, l.files.qmpSocket, pollMs) });
        continue;
      } catch {
        process.kill(l.pid, 'SIGKILL');
      }
    }
    fs.rmSync(l.files.pidFile, { force: true });
    vanished.push(l.uuid);
  }
  return { adopted, vanished };
}
