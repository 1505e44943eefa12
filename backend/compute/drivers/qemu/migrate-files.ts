// Effects on instance directories for a resize or cold migration (Nova's libvirt driver does
// the same with `<uuid>_resize` and rsync): the source's directory is kept aside until the move
// is confirmed or reverted, and its files are copied into the destination's instances
// directory — every lab host is on this machine, so the copy is local. Sockets, the pid file
// and saved state are not copied: they belong to the stopped process.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { BaseDiskFormat } from '../../driver.js';
import { makeInstanceDirs } from './instance-dir.js';
import type { InstanceFiles } from './instance-files.js';

const GiB = 1024 ** 3;

/** The files a moved guest takes with it: its disk, its console history and its spec. */
const MOVED = ['disk', 'consoleLog', 'qemuLog', 'spec'] as const;

/** Where the source keeps its copy while the move awaits confirmation. */
export const sourceCopyDir = (files: Pick<InstanceFiles, 'dir'>) => `${files.dir}_resize`;

/** Move the instance directory aside (replacing an older copy); its socket directory goes. */
export function keepSourceCopy(files: InstanceFiles): void {
  const kept = sourceCopyDir(files);
  fs.rmSync(kept, { recursive: true, force: true });
  fs.renameSync(files.dir, kept);
  if (files.socketDir !== files.dir) fs.rmSync(files.socketDir, { recursive: true, force: true });
}

/** Put the kept copy back as the instance directory (whatever is there now goes). */
export function restoreSourceCopy(files: InstanceFiles): void {
  const kept = sourceCopyDir(files);
  if (!fs.existsSync(kept)) throw new Error(`no source copy of ${path.basename(files.dir)} to restore`);
  fs.rmSync(files.dir, { recursive: true, force: true });
  fs.renameSync(kept, files.dir);
}

export function dropSourceCopy(files: InstanceFiles): void {
  fs.rmSync(sourceCopyDir(files), { recursive: true, force: true });
}

/** Copy the kept files into the destination's new instance directory (made private first). */
export function copyToDestination(fromDir: string, dest: InstanceFiles): void {
  fs.rmSync(dest.dir, { recursive: true, force: true });
  makeInstanceDirs(dest);
  for (const key of MOVED) {
    const from = path.join(fromDir, path.basename(dest[key]));
    if (fs.existsSync(from)) fs.copyFileSync(from, dest[key]);
  }
  if (!fs.existsSync(dest.disk)) throw new Error(`the instance has no disk to move (${path.basename(dest.disk)})`);
}

const qemuImg = (binDir?: string) => (binDir ? path.join(binDir, 'qemu-img') : 'qemu-img');

async function run(binDir: string | undefined, args: string[]): Promise<string> {
  const r = await execa(qemuImg(binDir), args, { reject: false, timeout: 60_000 });
  if (r.exitCode !== 0) throw new Error(`qemu-img ${args[0]} failed: ${String(r.stderr).trim() || r.shortMessage}`);
  return String(r.stdout);
}

/** The overlay now backs onto this host's cached copy of the same image (identical bytes: an unsafe rebase). */
export async function rebaseOnto(disk: string, base: string, baseFormat: BaseDiskFormat, binDir?: string): Promise<void> {
  await run(binDir, ['rebase', '-u', '-f', 'qcow2', '-F', baseFormat, '-b', path.resolve(base), disk]);
}

/** Pure: the size to grow a disk to, or null when the flavor's root disk is not larger (never shrinks). */
export function grownSize(virtualBytes: number, rootGb: number): number | null {
  const want = rootGb * GiB;
  return want > virtualBytes ? want : null;
}

/** Grow the overlay to the new flavor's root disk, as Nova's finish_migration does. */
export async function growDisk(disk: string, rootGb: number, binDir?: string): Promise<void> {
  const info = JSON.parse(await run(binDir, ['info', '--output=json', '-U', disk])) as { 'virtual-size': number };
  const size = grownSize(info['virtual-size'], rootGb);
  if (size !== null) await run(binDir, ['resize', '-f', 'qcow2', disk, String(size)]);
}
