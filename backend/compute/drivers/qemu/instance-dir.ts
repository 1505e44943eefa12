// Effects on an instance directory: create it private, record and read the guest's spec,
// remove every file of it. (Names come from instance-files; nothing here picks a name.)
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { BASE_DISK_FORMATS, type BaseDiskFormat, type GuestSpec } from '../../driver.js';
import type { InstanceFiles } from './instance-files.js';

/** Creates the directory (and the separate socket directory, if any), owner-only. */
export function makeInstanceDirs(files: InstanceFiles): void {
  makePrivateDir(files.dir);
  if (files.socketDir !== files.dir) makePrivateDir(files.socketDir);
}

export function writeSpec(files: InstanceFiles, spec: GuestSpec): void {
  fs.writeFileSync(files.spec, JSON.stringify(spec, null, 2) + '\n', { mode: 0o600 });
}

export function readSpec(files: InstanceFiles): GuestSpec {
  try {
    return JSON.parse(fs.readFileSync(files.spec, 'utf8')) as GuestSpec;
  } catch (err) {
    throw new Error(`guest spec unreadable (${files.spec}): ${(err as Error).message}`, { cause: err });
  }
}

/** A directory only we can enter; an existing one must be ours, private, not a link. */
function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (!st.isDirectory() || !mine) throw new Error(`${dir} is not a directory of ours`);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

export function removeInstance(files: InstanceFiles): void {
  fs.rmSync(files.dir, { recursive: true, force: true });
  if (files.socketDir !== files.dir) fs.rmSync(files.socketDir, { recursive: true, force: true });
}

/** The instance's disk: a qcow2 overlay whose backing file is the cached base image, read as
 *  the format nova-compute verified (a raw base named as qcow2 would not open; a qcow2 named
 *  raw would show the guest its header). */
export async function createOverlay(files: InstanceFiles, base: string, baseFormat: BaseDiskFormat, binDir?: string): Promise<void> {
  if (!BASE_DISK_FORMATS.includes(baseFormat))
    throw new Error(`cannot put an overlay on a base disk of format ${JSON.stringify(baseFormat)}`);
  const args = overlayArgs(base, baseFormat, files.disk);
  const r = await execa(binDir ? path.join(binDir, 'qemu-img') : 'qemu-img', args, { reject: false, timeout: 60_000 });
  if (r.exitCode !== 0) throw new Error(`qemu-img create failed: ${String(r.stderr).trim() || r.shortMessage}`);
}

/** `qemu-img` arguments that create the overlay (also shown in the walkthrough). */
export const overlayArgs = (base: string, baseFormat: BaseDiskFormat, disk: string) => [
  'create',
  '-f',
  'qcow2',
  '-F',
  baseFormat,
  '-b',
  path.resolve(base),
  disk,
];

/** The guest's own UEFI variable store, copied from the firmware's template (the guest and
 *  its firmware write boot entries there; the template is shared and read-only). Sparse:
 *  Debian's AAVMF template is 64 MiB of zeros, which would otherwise be 64 MiB per guest. */
export function createNvram(files: InstanceFiles, template: string): void {
  const chunk = Buffer.alloc(64 * 1024);
  const from = fs.openSync(template, 'r');
  const to = fs.openSync(files.nvram, 'w', 0o600);
  try {
    for (let at = 0, n; (n = fs.readSync(from, chunk, 0, chunk.length, at)) > 0; at += n) {
      const part = chunk.subarray(0, n);
      if (part.some((b) => b !== 0)) fs.writeSync(to, part, 0, n, at);
    }
    fs.ftruncateSync(to, fs.fstatSync(from).size);
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
}
