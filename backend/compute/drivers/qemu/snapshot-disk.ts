// A snapshot's copy of a guest's disk: the overlay and its backing base flattened into one
// standalone qcow2 (no backing file, so glance accepts it and any host can boot it).
// A running (or paused) guest is copied by QEMU itself with QMP drive-backup: a point-in-time
// copy taken while the guest keeps running, consistent as of the moment the job started.
// A guest without a process (stopped, suspended) has a quiet disk: qemu-img convert reads it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { QmpClient } from './qmp-client.js';

interface QmpBlock {
  device: string;
  inserted?: { file: string };
}

/** Pure: the block device whose image is the instance's disk (QEMU names a -drive without id
 *  after its interface, e.g. virtio0). */
export function diskDevice(blocks: QmpBlock[], disk: string): string | null {
  const withMedia = blocks.filter((b) => b.inserted);
  const exact = withMedia.find((b) => path.resolve(b.inserted!.file) === path.resolve(disk));
  return (exact ?? withMedia[0])?.device ?? null;
}

/** `qemu-img convert` arguments that flatten `disk` (and its backing chain) into `dest`. */
export const convertArgs = (disk: string, dest: string) => ['convert', '-O', 'qcow2', disk, dest];

export async function copyQuietDisk(disk: string, dest: string, binDir?: string): Promise<void> {
  const r = await execa(binDir ? path.join(binDir, 'qemu-img') : 'qemu-img', convertArgs(disk, dest), {
    reject: false,
    timeout: 30 * 60_000,
  });
  if (r.exitCode !== 0) throw new Error(`qemu-img convert failed: ${String(r.stderr).trim() || r.shortMessage}`);
}

/** drive-backup of the running guest's disk into `dest`, waiting for the job to finish. */
export async function backupRunningDisk(qmp: QmpClient, disk: string, dest: string, timeoutMs: number): Promise<void> {
  const device = diskDevice(await qmp.execute<QmpBlock[]>('query-block'), disk);
  if (!device) throw new Error('the guest has no disk QEMU could copy');
  const jobId = `snapshot-${Date.now().toString(36)}`;
  // Listen before starting: a small disk's job may finish before execute returns.
  const done = qmp.waitForEvent('BLOCK_JOB_COMPLETED', timeoutMs, (e) => (e.data as { device?: string } | undefined)?.device === jobId);
  done.catch(() => undefined);
  await qmp.execute('drive-backup', { 'job-id': jobId, device, target: dest, format: 'qcow2', sync: 'full', mode: 'absolute-paths' });
  let event;
  try {
    event = await done;
  } catch (err) {
    await qmp.execute('block-job-cancel', { device: jobId, force: true }).catch(() => undefined);
    throw err;
  }
  const error = (event.data as { error?: string } | undefined)?.error;
  if (error) throw new Error(`drive-backup failed: ${error}`);
  if (!fs.existsSync(dest)) throw new Error('drive-backup finished without writing its copy');
}
