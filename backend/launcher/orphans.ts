// Services a killed launcher left behind. A launcher killed with SIGKILL cannot stop its
// services; they stop themselves when they notice (their IPC channel and the bus close), but
// one that hangs — or a nova-compute still powering off its guests — would meet the next
// launcher's services: two nova-computes touching one guest, ports still taken. The launcher
// records its services' pids as they change; the next start stops any still running.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface PidRecord {
  launcher: number;
  services: { binary: string; host: string; pid: number }[];
}

/** Write the launcher's current service pids (small; rewritten on every spawn and exit). */
export function writePids(file: string, rec: PidRecord): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readPids(file: string): PidRecord | null {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as PidRecord;
    return Number.isInteger(rec.launcher) && Array.isArray(rec.services) ? rec : null;
  } catch {
    return null;
  }
}

/** The name a process runs as (services set process.title to their binary), or null if gone. */
export function processName(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return null; // dead, not yet reaped
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch (err) {
    if (process.platform === 'linux' || (err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  try {
    return (
      execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], {
        encoding: 'utf8',
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/**
 * Pure: which recorded pids are still that service (its name, not a recycled pid now used by
 * something else), when the launcher that recorded them is gone.
 */
export function orphans(rec: PidRecord | null, launcherAlive: boolean, nameOf: (pid: number) => string | null): PidRecord['services'] {
  if (!rec || launcherAlive) return [];
  // Linux keeps 15 characters of a process name.
  return rec.services.filter((s) => {
    const n = nameOf(s.pid);
    return n !== null && s.binary.startsWith(n) && n.length > 0;
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Stop what a killed launcher left: SIGTERM (a nova-compute stops its guests), SIGKILL after graceMs. */
export async function stopOrphans(file: string, print: (line: string) => void, graceMs = 20_000): Promise<number[]> {
  const rec = readPids(file);
  const left = orphans(
    rec,
    rec ? rec.launcher !== process.pid && alive(rec.launcher) && processName(rec.launcher) === 'novalab' : false,
    processName,
  );
  if (!left.length) return [];
  print(
    `novalab: a previous launcher was killed; stopping the ${left.length} service process(es) it left running: ${left.map((s) => `${s.binary}@${s.host} (pid ${s.pid})`).join(', ')}`,
  );
  for (const s of left) {
    try {
      process.kill(s.pid, 'SIGTERM');
    } catch {
      /* gone meanwhile */
    }
  }
  const deadline = Date.now() + graceMs;
  while (left.some((s) => processName(s.pid) !== null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const s of left)
    if (processName(s.pid) !== null) {
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  return left.map((s) => s.pid);
}
