// The compute driver contract: what nova-compute's manager asks of a hypervisor, and
// nothing more, grouped by role (lifecycle, pause, suspend, consoles, inventory) as Lima's
// driver package groups its own; a fake driver for functional tests and the QEMU driver
// implement every role.
//
// Who decides what: the driver does one thing to one guest and says how it went. The
// manager decides retry-elsewhere vs. abort: a failure the manager should reschedule to
// another host is thrown as RetryableSpawnError; anything else is a plain Error.
//
// Power-state sync: a guest that stops behind the manager's back (killed, crashed, shut
// down from inside) is reported through onGuestExit within a few seconds. Stops the
// manager asked for (powerOff, suspend, destroy, close) are not reported there.
import type { SupportedInstance } from '../../contract/model.js';

export type GuestArch = 'x86_64' | 'aarch64';
/** The formats a base image may have under an instance's qcow2 overlay (qemu's names). */
export const BASE_DISK_FORMATS = ['qcow2', 'raw', 'vmdk', 'vdi'] as const;
export type BaseDiskFormat = (typeof BASE_DISK_FORMATS)[number];
export type Accelerator = 'tcg' | 'kvm' | 'hvf' | 'whpx';
export type RebootType = 'SOFT' | 'HARD';
/** What the driver knows of a guest: Nova's power states, in words. */
export type GuestPowerState = 'running' | 'paused' | 'suspended' | 'shutdown' | 'crashed' | 'nostate';

/** Thrown by spawn when another host may succeed (e.g. this host cannot start QEMU now). */
export class RetryableSpawnError extends Error {
  override readonly name = 'RetryableSpawnError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown for an operation on a guest the driver does not know (no instance directory). */
export class GuestNotFoundError extends Error {
  override readonly name = 'GuestNotFoundError';
  constructor(readonly uuid: string) {
    super(`no guest ${uuid} on this host`);
  }
}

/** Where the guest's VNC display listens: a unix socket in the instance directory
 *  (owner-only), or TCP on a host address (vncserver_listen) at an optional display number
 *  (port 5900 + display; the driver picks a free one when absent). A TCP display always asks
 *  for a random per-guest VNC password, which only the console proxy is given. */
export type VncListen = { kind: 'unix' } | { kind: 'tcp'; host: string; display?: number };

export interface GuestSpec {
  uuid: string;
  /** instance_name, e.g. instance-0000000a (QEMU's -name). */
  name: string;
  /** Guest hostname (RFC 952 label: letters, digits, hyphens). */
  hostname: string;
  arch: GuestArch;
  vcpus: number;
  memoryMb: number;
  image: {
    /** The kernel QEMU loads directly, or null: a whole-disk image with its own bootloader,
     *  booted through the firmware. */
    kernel: string | null;
    /** The initrd, or null for none. */
    ramdisk: string | null;
    /** The image's hw_firmware_type: 'uefi' asks for UEFI where BIOS is the default (x86_64). */
    firmwareType?: 'bios' | 'uefi' | null;
    /** The cached base disk; the driver puts a per-instance qcow2 overlay on it. */
    disk: string;
    /** The base disk's format as nova-compute verified it (the overlay's backing format). */
    diskFormat: BaseDiskFormat;
    /** The image's os_command_line; the driver appends novalab.* parameters. */
    cmdline: string;
  };
  network: { mac: string; fixedIp: string | null };
  /** The metadata service this guest reaches at 169.254.169.254:80, or null for none. */
  metadata: { address: string; hmacSecretFile: string } | null;
  vnc: VncListen;
  accel: Accelerator;
}

/** What the manager tells the driver about the host it serves. */
export interface DriverHostInfo {
  /** Lab host name (nova-compute's `host`). */
  host: string;
  /** Where instance directories live (`<instancesDir>/<uuid>/`). */
  instancesDir: string;
}

export interface DriverHostReport {
  /** The accelerator for guests of the machine's own architecture. */
  accelerator: Accelerator | 'fake';
  /** Why that accelerator (e.g. "kvm: probe boot produced no output in 5 s; using tcg"). */
  acceleratorReason: string;
  /** Per guest architecture: the accelerator spawn should be asked for. */
  accelerators: Partial<Record<GuestArch, Accelerator>>;
  /** "qemu" (TCG) or "kvm" (as Nova's hypervisor_type), for the preferred accelerator. */
  hypervisor_type: string;
  hypervisor_types: string[];
  /** Nova's integer form: major * 1,000,000 + minor * 1,000 + micro (7.2.22 → 7002022). */
  hypervisor_version: number;
  supported_instances: SupportedInstance[];
  cpu_info: Record<string, unknown>;
}

export interface GuestHandle {
  uuid: string;
  /** The hypervisor process id (null for the fake driver). */
  pid: number | null;
  /** The exact command line that was started (for the boot walkthrough's step 10). */
  command: { binary: string; args: string[] } | null;
  vnc: VncAddress;
}

/** `password`: the VNC password the TCP display asks for (a secret: never logged). */
export type VncAddress = { host: string; port: number; password?: string } | { unixSocket: string };

export type SpawnPhase = 'creating-disk' | 'starting' | 'started';
export type ProgressFn = (p: { phase: SpawnPhase; detail: string }) => void;

export interface GuestExitInfo {
  /** 'guest-shutdown': powered off from inside; 'killed': a signal; 'crashed': an error
   *  exit; 'vanished': a re-adopted process went away (the cause cannot be known). */
  reason: 'guest-shutdown' | 'killed' | 'crashed' | 'vanished';
  code: number | null;
  signal: string | null;
  at: string;
}

export interface AdoptReport {
  /** Guests whose process was alive and is supervised again. */
  adopted: string[];
  /** Guests with an instance directory and a pid file whose process is gone. */
  vanished: string[];
}

/** Lifecycle: start on this host, stop, remove. */
export interface GuestLifecycle {
  spawn(spec: GuestSpec, onProgress?: ProgressFn): Promise<GuestHandle>;
  /** Ask the guest to power down (ACPI); after timeoutMs, stop it hard. */
  powerOff(uuid: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** Start a stopped guest again with the same disk (resumes if it was suspended). */
  powerOn(uuid: string): Promise<GuestHandle>;
  reboot(uuid: string, type: RebootType): Promise<void>;
  /** Kill the process (if any), wait for it to exit, remove every file of the instance. */
  destroy(uuid: string): Promise<void>;
}

export interface GuestPauser {
  pause(uuid: string): Promise<void>;
  unpause(uuid: string): Promise<void>;
}

export interface GuestSuspender {
  /** Save the guest's state to disk and stop its process. */
  suspend(uuid: string): Promise<void>;
  /** Start it from the saved state: the guest continues where it was. */
  resume(uuid: string): Promise<GuestHandle>;
}

export interface GuestConsoles {
  /** The serial console log, or its last `lines` lines. */
  getConsoleOutput(uuid: string, lines?: number): Promise<string>;
  getVncConsole(uuid: string): Promise<VncAddress>;
}

/** What a hypervisor can tell of one running guest (Nova's driver diagnostics, before the
 *  manager adds what the instance record knows: memory, uptime, NICs). */
export interface GuestStats {
  /** Per vCPU: its id and the CPU time its thread used, in ns (null when unknown). */
  cpus: { id: number; timeNs: number | null }[];
  /** Per disk, as the guest names it (vda, vdb…): bytes and requests since the guest started. */
  disks: { name: string; readBytes: number; readRequests: number; writeBytes: number; writeRequests: number; errors: number }[];
  /** The guest's memory in use, MiB (null: the hypervisor cannot tell; Nova then reports the allocation). */
  memoryUsedMb: number | null;
}

export interface GuestDiagnostics {
  /** Statistics of a running guest (QEMU: QMP query-cpus-fast and query-blockstats). */
  getStats(uuid: string): Promise<GuestStats>;
}

export interface GuestInventory {
  /** UUIDs of guests whose hypervisor process is alive (running or paused). */
  listRunning(): Promise<string[]>;
  getPowerState(uuid: string): Promise<GuestPowerState>;
  /** Re-adopt guests that outlived a previous compute process; report the vanished. */
  adopt(): Promise<AdoptReport>;
  /** Subscribe to unexpected guest exits; returns an unsubscribe function. */
  onGuestExit(callback: (uuid: string, info: GuestExitInfo) => void): () => void;
}

/** A standalone copy of a guest's disk (no backing file), for a snapshot image. */
export interface GuestSnapshot {
  /** The copy, in a file the driver chose; the caller removes it when done. */
  file: string;
  /** Its format, as glance's disk_format names it. */
  format: BaseDiskFormat;
}

export interface GuestSnapshotter {
  /** Copy the guest's disk as it is now, consistently even while the guest runs (Nova's
   *  driver.snapshot). A guest without a disk on this host is GuestNotFoundError. */
  snapshot(uuid: string): Promise<GuestSnapshot>;
}

/**
 * Resize and cold migration (Nova's migrate_disk_and_power_off, finish_migration,
 * confirm_migration, finish_revert_migration). The source keeps its copy of the guest until
 * the move is confirmed or reverted; every lab host is on this machine, so the copy is local.
 */
export interface GuestMover {
  /** Source: stop the guest, keep its files aside as the source copy, copy them into `destInstancesDir`
   *  (this host's own directory for a resize on the same host). */
  migrateDiskAndPowerOff(uuid: string, destInstancesDir: string): Promise<void>;
  /** Destination: adopt the copied files with `spec` (the new flavor, this host's image cache), grow the
   *  disk to `rootGb` when larger, and start the guest when `powerOn`. */
  finishMigration(spec: GuestSpec, opts: { powerOn: boolean; rootGb: number }): Promise<GuestHandle | null>;
  /** Source: the move is kept; delete the source copy. */
  confirmMigration(uuid: string): Promise<void>;
  /** Source: put the source copy back and start it when `powerOn` (the destination removed its own). */
  finishRevertMigration(uuid: string, powerOn: boolean): Promise<GuestHandle | null>;
  /** Source: the instance was deleted while its files were copied: drop the source copy and the
   *  copy made in `destInstancesDir`, which no destination will adopt now. */
  abandonMigration(uuid: string, destInstancesDir: string): Promise<void>;
}

/** Rescue, as Nova's: boot a rescue image with the guest's own disk attached second (vdb),
 *  so a user can repair it; unrescue boots the guest's own disk again. A rescued guest stays
 *  rescued across power cycles and restarts until unrescue. */
export interface GuestRescuer {
  /** Stop the guest (politely, then firmly) and boot `image` on a fresh overlay, own disk second. */
  rescue(uuid: string, image: GuestSpec['image']): Promise<GuestHandle>;
  /** Stop the rescue guest, drop the rescue disk, boot the guest's own disk. */
  unrescue(uuid: string): Promise<GuestHandle>;
}

export interface ComputeDriver
  extends
    GuestLifecycle,
    GuestPauser,
    GuestSuspender,
    GuestConsoles,
    GuestDiagnostics,
    GuestInventory,
    GuestSnapshotter,
    GuestMover,
    GuestRescuer {
  readonly name: string;
  /** Probe the host (accelerator, versions) once; call before anything else. */
  init(host: DriverHostInfo): Promise<DriverHostReport>;
  /** Stop supervising. With stopGuests, power every guest off first (app quit). */
  close(opts?: { stopGuests?: boolean; timeoutMs?: number }): Promise<void>;
}
