// The one place that names the files of an instance directory, `<instancesDir>/<uuid>/`
// (as Lima's filenames package). Nothing else in the driver spells a file name.
import path from 'node:path';
import os from 'node:os';
import { createHash } from 'node:crypto';

export const INSTANCE_FILE_NAMES = {
  /** qcow2 overlay on the cached base image. */
  disk: 'disk.qcow2',
  /** The serial console log (console output). */
  consoleLog: 'console.log',
  /** QEMU's own stdout/stderr. */
  qemuLog: 'qemu.log',
  qmpSocket: 'qmp.sock',
  vncSocket: 'vnc.sock',
  pidFile: 'qemu.pid',
  /** The saved machine state while suspended. */
  suspendState: 'suspend.state',
  /** The state being written (renamed to suspendState when complete). */
  suspendStatePartial: 'suspend.state.partial',
  /** The socket QEMU streams its state to while suspending. */
  migrateSocket: 'migrate.sock',
  /** A snapshot's standalone copy of the disk while it is written and uploaded. */
  snapshot: 'snapshot.qcow2',
  /** The GuestSpec it was spawned with (to power on again after a restart). */
  spec: 'spec.json',
  /** While rescued: the rescue image's overlay (booted as vda; the own disk is vdb). */
  rescueDisk: 'disk.rescue',
  /** While rescued: the GuestSpec of the rescue boot (its presence means "rescued"). */
  rescueSpec: 'rescue.json',
  /** The UEFI variable store (a copy of the firmware's template), for UEFI guests only. */
  nvram: 'nvram.fd',
  /** The optional devices QEMU was last started with (a resume must recreate them). */
  machine: 'machine.json',
} as const;

export type InstanceFileKey = keyof typeof INSTANCE_FILE_NAMES;
export type InstanceFiles = {
  readonly dir: string;
  /** Where the sockets are: `dir`, or a short directory under the system's temporary
   *  directory when `dir` is too deep for a unix socket path (108 bytes on Linux, 104 on
   *  macOS), named from a hash of `dir` so a restarted driver finds the same one. */
  readonly socketDir: string;
} & { readonly [K in InstanceFileKey]: string };

const SOCKETS = new Set<InstanceFileKey>(['qmpSocket', 'vncSocket', 'migrateSocket']);
/** Longest socket path we accept in place (leaves room under macOS's 104). */
export const MAX_SOCKET_PATH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isInstanceUuid(s: string): boolean {
  return UUID.test(s);
}

/** Every file of one instance, by absolute path. Refuses anything but a UUID, so a name
 *  can never point outside the instances directory. */
export function instanceFiles(instancesDir: string, uuid: string, tmpDir = os.tmpdir()): InstanceFiles {
  if (!isInstanceUuid(uuid)) throw new Error(`not an instance uuid: ${JSON.stringify(uuid)}`);
  const dir = path.join(path.resolve(instancesDir), uuid);
  const longest = Math.max(...[...SOCKETS].map((k) => INSTANCE_FILE_NAMES[k].length));
  const socketDir =
    dir.length + 1 + longest <= MAX_SOCKET_PATH
      ? dir
      : path.join(tmpDir, `novalab-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`);
  const files = { dir, socketDir } as Record<string, string>;
  for (const [key, name] of Object.entries(INSTANCE_FILE_NAMES)) {
    files[key] = path.join(SOCKETS.has(key as InstanceFileKey) ? socketDir : dir, name);
  }
  return files as InstanceFiles;
}
