// A running guest's statistics from QMP, as Nova's libvirt driver reads them from libvirt:
// per-vCPU CPU time (query-cpus-fast gives each vCPU's host thread; its time is that
// thread's utime + stime in /proc), per-disk I/O counters (query-blockstats). Pure parts
// take the QMP answers and the /proc text; the reader is a thin adapter.
import fs from 'node:fs';
import type { GuestStats } from '../../driver.js';

export interface QmpCpu {
  'cpu-index': number;
  'thread-id'?: number;
}
export interface QmpBlockStats {
  device?: string;
  qdev?: string;
  stats?: {
    rd_bytes?: number;
    wr_bytes?: number;
    rd_operations?: number;
    wr_operations?: number;
    failed_rd_operations?: number;
    failed_wr_operations?: number;
  };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux the lab runs on). */
const USER_HZ = 100;

/** Pure: utime + stime (fields 14 and 15) of a /proc/.../stat line, in ns; null if unreadable. */
export function threadCpuNs(statLine: string | null): number | null {
  if (!statLine) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const rest = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1_000_000_000) / USER_HZ;
}

/** Pure: the guest's disks as it names them (vda, vdb, …, in QEMU's order), with their counters. */
export function diskStats(blocks: QmpBlockStats[]): GuestStats['disks'] {
  return blocks
    .filter((b) => b.stats && (b.device || b.qdev))
    .map((b, i) => ({
      name: `vd${String.fromCharCode(97 + (i % 26))}`,
      readBytes: b.stats!.rd_bytes ?? 0,
      readRequests: b.stats!.rd_operations ?? 0,
      writeBytes: b.stats!.wr_bytes ?? 0,
      writeRequests: b.stats!.wr_operations ?? 0,
      errors: (b.stats!.failed_rd_operations ?? 0) + (b.stats!.failed_wr_operations ?? 0),
    }));
}

/** Pure: vCPUs by index with their thread's CPU time (null where /proc had nothing). */
export function cpuStats(cpus: QmpCpu[], statOf: (threadId: number) => string | null): GuestStats['cpus'] {
  return [...cpus]
    .sort((a, b) => a['cpu-index'] - b['cpu-index'])
    .map((c) => ({ id: c['cpu-index'], timeNs: c['thread-id'] === undefined ? null : threadCpuNs(statOf(c['thread-id'])) }));
}

/** /proc/<pid>/task/<tid>/stat, or null (not Linux, or the thread is gone). */
export function readThreadStat(pid: number, threadId: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${threadId}/stat`, 'utf8');
  } catch {
    return null;
  }
}
