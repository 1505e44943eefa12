// The QEMU compute driver: real guests, one QEMU process each, supervised by this process
// (not daemonized). Every file of a guest lives in its instance directory (instance-files);
// its command line comes from the pure builder (qemu-argv); everything after start goes
// through QMP. Operations on one guest run one at a time.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  GuestNotFoundError,
  RetryableSpawnError,
  type Accelerator,
  type AdoptReport,
  type ComputeDriver,
  type DriverHostInfo,
  type DriverHostReport,
  type GuestArch,
  type GuestExitInfo,
  type GuestHandle,
  type GuestPowerState,
  type GuestSnapshot,
  type GuestSpec,
  type GuestStats,
  type ProgressFn,
  type RebootType,
  type VncAddress,
} from '../../driver.js';
import { instanceFiles, type InstanceFiles } from './instance-files.js';
import { buildQemuArgv, type QemuCommand } from './qemu-argv.js';
import { QemuProcess, exitReason } from './qemu-process.js';
import { chooseAccelerator, hostGuestArch } from './accel-probe.js';
import { buildHostReport, hostCpu, installedQemu } from './host-report.js';
import { finishIncoming, saveState } from './saved-state.js';
import { readConsoleLog } from './console-log.js';
import { cpuStats, diskStats, readThreadStat, type QmpBlockStats, type QmpCpu } from './guest-stats.js';
import { createNvram, createOverlay, makeInstanceDirs, overlayArgs, readSpec, removeInstance, writeSpec } from './instance-dir.js';
import { uefiCandidates, uefiFirmwareFor, type UefiFirmware } from './firmware.js';
import { adoptLeftovers } from './leftovers.js';
import { softReboot, stopGracefully } from './power.js';
import { readMachineDevices, writeMachineDevices, type MachineDevices } from './machine-devices.js';
import { backupRunningDisk, copyQuietDisk } from './snapshot-disk.js';
import {
  copyToDestination,
  dropSourceCopy,
  growDisk,
  keepSourceCopy,
  rebaseOnto,
  restoreSourceCopy,
  sourceCopyDir,
} from './migrate-files.js';

export interface QemuDriverOptions {
  /** Where the accelerator probe's result is cached (one probe per machine). */
  accelCacheFile: string;
  /** Kernels the accelerator probe may boot, per architecture (the guest images'). */
  probeKernels?: Partial<Record<GuestArch, string>>;
  /** Skip the probe and use this accelerator for the host's own architecture. */
  accelerator?: Accelerator;
  /** The metadata forwarder guestfwd runs; default: this Node and metadata-forwarder.js
   *  beside this module (when it exists). Null: guests get no metadata route. */
  forwarder?: { node: string; script: string } | null;
  /** Extra environment for QEMU and so for the forwarder (e.g. ELECTRON_RUN_AS_NODE=1). */
  env?: Record<string, string>;
  /** Directory of qemu-system-* and qemu-img (default: found on PATH). */
  binDir?: string;
  aarch64TcgCpu?: string;
  qmpTimeoutMs?: number;
  /** How often an adopted guest's pid is checked (default 2 s). */
  pollIntervalMs?: number;
  /** How long a SOFT reboot waits for the guest before resetting it (default 10 s). */
  softRebootTimeoutMs?: number;
  /** powerOff's default wait for an ACPI shutdown before stopping hard (default 10 s). */
  powerOffTimeoutMs?: number;
  /** Longest suspend (state save) or resume (state load) (default 120 s). */
  stateTimeoutMs?: number;
  /** Where whole-disk guests' UEFI firmware is looked for, per architecture (default:
   *  Debian's packages, then QEMU's own share directory: firmware.ts). */
  uefiCandidates?: Partial<Record<GuestArch, UefiFirmware[]>>;
  /** TCG translation-block cache per guest, MiB (0: QEMU's default). */
  tcgTbSizeMb?: number;
  /** Give guests a virtio balloon that takes their free-page reports (see qemu-argv). */
  freePageReporting?: boolean;
}

export class QemuDriver implements ComputeDriver {
  readonly name = 'qemu';
  private host: DriverHostInfo | null = null;
  private report: DriverHostReport | null = null;
  private forwarder: QemuDriverOptions['forwarder'] = null;
  private readonly procs = new Map<string, QemuProcess>();
  /** The VNC password of each running TCP display, kept in memory only (a re-adopted guest
   *  gets a new one when its console is first asked for). */
  private readonly vncPasswords = new WeakMap<QemuProcess, string>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly exitListeners = new Set<(uuid: string, info: GuestExitInfo) => void>();

  constructor(private readonly opts: QemuDriverOptions) {}

  async init(host: DriverHostInfo): Promise<DriverHostReport> {
    fs.mkdirSync(host.instancesDir, { recursive: true, mode: 0o700 });
    this.host = host;
    const { qemuVersion, arches } = await installedQemu(this.opts.binDir);
    const accel = this.opts.accelerator
      ? { accelerator: this.opts.accelerator, reason: `${this.opts.accelerator}: set by configuration` }
      : await chooseAccelerator({ cacheFile: this.opts.accelCacheFile, qemuVersion, probeKernels: this.opts.probeKernels ?? {} });
    this.forwarder = this.opts.forwarder !== undefined ? this.opts.forwarder : defaultForwarder();
    this.report = buildHostReport({ qemuVersion, arches, hostArch: hostGuestArch(), accel, cpu: hostCpu() });
    return this.report;
  }

  async spawn(spec: GuestSpec, onProgress?: ProgressFn): Promise<GuestHandle> {
    return this.serial(spec.uuid, async () => {
      const files = this.files(spec.uuid);
      if (this.procs.has(spec.uuid)) throw new Error(`guest ${spec.uuid} is already running on this host`);
      const accel = this.report?.accelerators[spec.arch];
      if (!accel) throw new RetryableSpawnError(`this host does not run ${spec.arch} guests`);
      if (spec.accel !== accel && spec.accel !== 'tcg')
        throw new RetryableSpawnError(`this host has no ${spec.accel} for ${spec.arch} guests (it has ${accel})`);
      this.command(spec, files, false); // validates the spec before anything is created
      for (const f of [spec.image.kernel, spec.image.ramdisk, spec.image.disk]) {
        if (f && !fs.existsSync(f)) throw new Error(`image file missing: ${f}`);
      }
      removeInstance(files);
      makeInstanceDirs(files);
      writeSpec(files, spec);
      onProgress?.({
        phase: 'creating-disk',
        detail: ['qemu-img', ...overlayArgs(spec.image.disk, spec.image.diskFormat, files.disk)].join(' '),
      });
      await createOverlay(files, spec.image.disk, spec.image.diskFormat, this.opts.binDir);
      try {
        return await this.start(spec, files, false, onProgress);
      } catch (err) {
        removeInstance(files);
        throw new RetryableSpawnError(`QEMU did not start: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  async powerOff(uuid: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.serial(uuid, async () => {
      this.files(uuid, true);
      const p = this.procs.get(uuid);
      if (p) await stopGracefully(p, opts.timeoutMs ?? this.opts.powerOffTimeoutMs ?? 10_000);
    });
  }

  async powerOn(uuid: string): Promise<GuestHandle> {
    const files = this.files(uuid, true);
    if (fs.existsSync(files.suspendState)) return this.resume(uuid);
    return this.serial(uuid, async () => {
      const p = this.procs.get(uuid);
      const spec = bootSpec(files);
      return p ? this.handle(spec, files, p, null) : this.start(spec, files, false);
    });
  }

  async reboot(uuid: string, type: RebootType): Promise<void> {
    await this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      const p = this.procs.get(uuid);
      if (type === 'SOFT') {
        if (!p) throw new Error(`cannot soft-reboot guest ${uuid}: it is not running`);
        const spec = bootSpec(files);
        const outcome = await softReboot(p, spec.arch, this.opts.softRebootTimeoutMs ?? 10_000);
        if (outcome === 'exited') await this.start(spec, files, false);
        return;
      }
      if (p) {
        await p.qmp.execute('system_reset');
        await p.qmp.execute('cont'); // a paused guest comes back running, as after Nova's hard reboot
        return;
      }
      fs.rmSync(files.suspendState, { force: true });
      await this.start(bootSpec(files), files, false);
    });
  }

  async destroy(uuid: string): Promise<void> {
    await this.serial(uuid, async () => {
      const files = this.files(uuid);
      await this.procs.get(uuid)?.kill();
      removeInstance(files);
    });
  }

  async pause(uuid: string): Promise<void> {
    await this.serial(uuid, () => this.running(uuid).qmp.execute('stop'));
  }

  async unpause(uuid: string): Promise<void> {
    await this.serial(uuid, () => this.running(uuid).qmp.execute('cont'));
  }

  async suspend(uuid: string): Promise<void> {
    await this.serial(uuid, async () => {
      const p = this.running(uuid);
      const files = this.files(uuid);
      const wasRunning = (await p.qmp.execute<{ status: string }>('query-status')).status === 'running';
      p.expectedExit = true;
      try {
        await saveState(p.qmp, files, this.opts.stateTimeoutMs ?? 120_000);
      } catch (err) {
        p.expectedExit = false;
        if (wasRunning) await p.qmp.execute('cont').catch(() => undefined);
        throw err;
      }
      await p.qmp.execute('quit').catch(() => undefined);
      if (!(await p.waitForExit(10_000))) await p.kill();
    });
  }

  async resume(uuid: string): Promise<GuestHandle> {
    return this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      if (this.procs.has(uuid)) throw new Error(`cannot resume guest ${uuid}: it is running`);
      if (!fs.existsSync(files.suspendState)) throw new Error(`cannot resume guest ${uuid}: it has no saved state`);
      const handle = await this.start(bootSpec(files), files, true);
      const p = this.procs.get(uuid)!;
      try {
        await finishIncoming(p.qmp, this.opts.stateTimeoutMs ?? 120_000);
      } catch (err) {
        await p.kill();
        throw err;
      }
      fs.rmSync(files.suspendState, { force: true });
      return handle;
    });
  }

  /** A running guest is copied live (drive-backup), a stopped or suspended one by qemu-img. */
  async snapshot(uuid: string): Promise<GuestSnapshot> {
    return this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      if (!fs.existsSync(files.disk)) throw new GuestNotFoundError(uuid);
      fs.rmSync(files.snapshot, { force: true });
      const p = this.procs.get(uuid);
      try {
        if (p?.isRunning) await backupRunningDisk(p.qmp, files.disk, files.snapshot, this.opts.stateTimeoutMs ?? 30 * 60_000);
        else await copyQuietDisk(files.disk, files.snapshot, this.opts.binDir);
      } catch (err) {
        fs.rmSync(files.snapshot, { force: true });
        throw err;
      }
      return { file: files.snapshot, format: 'qcow2' };
    });
  }

  // --- resize and cold migration (see migrate-files) ---------------------------------

  async migrateDiskAndPowerOff(uuid: string, destInstancesDir: string): Promise<void> {
    await this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      if (fs.existsSync(files.suspendState)) throw new Error(`cannot move guest ${uuid}: it is suspended`);
      const p = this.procs.get(uuid);
      if (p) await stopGracefully(p, this.opts.powerOffTimeoutMs ?? 10_000);
      keepSourceCopy(files);
      try {
        copyToDestination(sourceCopyDir(files), instanceFiles(destInstancesDir, uuid));
      } catch (err) {
        restoreSourceCopy(files);
        throw err;
      }
    });
  }

  async rescue(uuid: string, image: GuestSpec['image']): Promise<GuestHandle> {
    return this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      if (fs.existsSync(files.rescueSpec)) throw new Error(`guest ${uuid} is already rescued`);
      const spec: GuestSpec = { ...readSpec(files), image };
      this.command(spec, files, false); // validates before anything changes
      for (const f of [image.kernel, image.ramdisk, image.disk]) {
        if (f && !fs.existsSync(f)) throw new Error(`rescue image file missing: ${f}`);
      }
      const p = this.procs.get(uuid);
      const wasRunning = !!p?.isRunning;
      if (p) await stopGracefully(p, this.opts.powerOffTimeoutMs ?? 10_000);
      fs.rmSync(files.suspendState, { force: true });
      try {
        await createOverlay({ ...files, disk: files.rescueDisk }, image.disk, image.diskFormat, this.opts.binDir);
        writeSpec({ ...files, spec: files.rescueSpec }, spec); // from here on, a boot is a rescue boot
        return await this.start(spec, files, false);
      } catch (err) {
        // Nothing half-done: the rescue files go, the guest runs on its own disk as before.
        await this.procs.get(uuid)?.kill();
        dropRescue(files);
        if (wasRunning) await this.start(readSpec(files), files, false).catch(() => undefined);
        throw err;
      }
    });
  }

  async finishMigration(spec: GuestSpec, opts: { powerOn: boolean; rootGb: number }): Promise<GuestHandle | null> {
    return this.serial(spec.uuid, async () => {
      const files = this.files(spec.uuid, true);
      if (this.procs.has(spec.uuid)) throw new Error(`guest ${spec.uuid} is already running on this host`);
      this.command(spec, files, false); // validates the spec before anything changes
      await rebaseOnto(files.disk, spec.image.disk, spec.image.diskFormat, this.opts.binDir);
      await growDisk(files.disk, opts.rootGb, this.opts.binDir);
      writeSpec(files, spec);
      return opts.powerOn ? this.start(spec, files, false) : null;
    });
  }

  async confirmMigration(uuid: string): Promise<void> {
    await this.serial(uuid, async () => dropSourceCopy(this.files(uuid)));
  }

  async abandonMigration(uuid: string, destInstancesDir: string): Promise<void> {
    await this.serial(uuid, async () => {
      dropSourceCopy(this.files(uuid));
      const dest = instanceFiles(destInstancesDir, uuid);
      // On another host nothing runs from the copy yet; on this one the delete already ended the guest.
      if (dest.dir !== this.files(uuid).dir || !this.procs.has(uuid)) removeInstance(dest);
    });
  }

  async finishRevertMigration(uuid: string, powerOn: boolean): Promise<GuestHandle | null> {
    return this.serial(uuid, async () => {
      const files = this.files(uuid);
      if (!fs.existsSync(sourceCopyDir(files))) throw new GuestNotFoundError(uuid);
      // A resize on this same host: the destination's guest is this uuid too; it goes first.
      await this.procs.get(uuid)?.kill();
      restoreSourceCopy(files);
      return powerOn ? this.start(readSpec(files), files, false) : null;
    });
  }

  async unrescue(uuid: string): Promise<GuestHandle> {
    return this.serial(uuid, async () => {
      const files = this.files(uuid, true);
      if (!fs.existsSync(files.rescueSpec)) throw new Error(`guest ${uuid} is not rescued`);
      // As Nova's libvirt driver: the rescue guest is destroyed, not shut down.
      await this.procs.get(uuid)?.kill();
      dropRescue(files);
      fs.rmSync(files.suspendState, { force: true });
      return this.start(readSpec(files), files, false);
    });
  }

  async getConsoleOutput(uuid: string, lines?: number): Promise<string> {
    return readConsoleLog(this.files(uuid, true).consoleLog, lines);
  }

  async getVncConsole(uuid: string): Promise<VncAddress> {
    const files = this.files(uuid, true);
    return (await this.handle(bootSpec(files), files, this.running(uuid), null)).vnc;
  }

  async getStats(uuid: string): Promise<GuestStats> {
    const p = this.running(uuid);
    const [cpus, blocks] = await Promise.all([
      p.qmp.execute<QmpCpu[]>('query-cpus-fast'),
      p.qmp.execute<QmpBlockStats[]>('query-blockstats'),
    ]);
    return { cpus: cpuStats(cpus, (tid) => readThreadStat(p.pid, tid)), disks: diskStats(blocks), memoryUsedMb: null };
  }

  async listRunning(): Promise<string[]> {
    return [...this.procs.entries()].filter(([, p]) => p.isRunning).map(([uuid]) => uuid);
  }

  async getPowerState(uuid: string): Promise<GuestPowerState> {
    const p = this.procs.get(uuid);
    if (p?.isRunning) {
      const { status } = await p.qmp.execute<{ status: string }>('query-status').catch(() => ({ status: 'running' }));
      if (status === 'running') return 'running';
      if (['internal-error', 'io-error', 'guest-panicked'].includes(status)) return 'crashed';
      return status === 'shutdown' ? 'shutdown' : 'paused';
    }
    const files = this.files(uuid);
    if (fs.existsSync(files.suspendState)) return 'suspended';
    return fs.existsSync(files.dir) ? 'shutdown' : 'nostate';
  }

  /** Call once after init: re-supervises guests a previous compute process left running. */
  async adopt(): Promise<AdoptReport> {
    const found = await adoptLeftovers(this.instancesDir, (uuid) => this.procs.has(uuid), this.opts.pollIntervalMs ?? 2000);
    for (const { uuid, files, proc } of found.adopted) this.track(uuid, files, proc);
    return { adopted: found.adopted.map((a) => a.uuid), vanished: found.vanished };
  }

  onGuestExit(callback: (uuid: string, info: GuestExitInfo) => void): () => void {
    this.exitListeners.add(callback);
    return () => this.exitListeners.delete(callback);
  }

  async close(opts: { stopGuests?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const running = [...this.procs.entries()];
    if (opts.stopGuests) {
      await Promise.all(running.map(([uuid]) => this.powerOff(uuid, { timeoutMs: opts.timeoutMs ?? 3000 }).catch(() => undefined)));
    } else for (const [, p] of running) p.detach();
    this.procs.clear();
    this.exitListeners.clear();
  }

  // --- helpers -------------------------------------------------------------------------

  private get instancesDir(): string {
    if (!this.host) throw new Error('the QEMU driver was not initialised (call init first)');
    return this.host.instancesDir;
  }

  private files(uuid: string, mustExist = false): InstanceFiles {
    const files = instanceFiles(this.instancesDir, uuid);
    if (mustExist && !fs.existsSync(files.dir)) throw new GuestNotFoundError(uuid);
    return files;
  }

  private running(uuid: string): QemuProcess {
    const p = this.procs.get(uuid);
    if (p?.isRunning) return p;
    this.files(uuid, true);
    throw new Error(`guest ${uuid} is not running`);
  }

  private command(spec: GuestSpec, files: InstanceFiles, incoming: boolean): QemuCommand {
    return buildQemuArgv(spec, files, {
      ...(fs.existsSync(files.rescueSpec) ? { disks: [files.rescueDisk, files.disk] } : {}),
      forwarder: this.forwarder ?? null,
      incomingFd: incoming ? 3 : null,
      aarch64TcgCpu: this.opts.aarch64TcgCpu,
      uefiCode: this.uefiFirmware(spec)?.code ?? null,
      tcgTbSizeMb: this.opts.tcgTbSizeMb,
      ...this.devices(files, incoming),
    });
  }

  /** A whole-disk guest's UEFI firmware (null for kernel and BIOS boots); throws, naming the
   *  package to install, when this host has none. */
  private uefiFirmware(spec: GuestSpec): UefiFirmware | null {
    const candidates = this.opts.uefiCandidates?.[spec.arch] ?? uefiCandidates(spec.arch, this.opts.binDir);
    return uefiFirmwareFor(spec, readable, candidates);
  }

  /** A fresh start gets the configured devices; a resume the ones its state was saved with. */
  private devices(files: InstanceFiles, incoming: boolean): MachineDevices {
    return incoming ? readMachineDevices(files) : { freePageReporting: this.opts.freePageReporting ?? false };
  }

  private async start(spec: GuestSpec, files: InstanceFiles, incoming: boolean, onProgress?: ProgressFn): Promise<GuestHandle> {
    const command = this.command(spec, files, incoming);
    // A UEFI guest's variable store: made at its first start, kept across stops and reboots.
    const uefi = this.uefiFirmware(spec);
    if (uefi && !fs.existsSync(files.nvram)) createNvram(files, uefi.varsTemplate);
    onProgress?.({ phase: 'starting', detail: [command.binary, ...command.args].join(' ') });
    for (const f of [files.qmpSocket, files.vncSocket, files.pidFile]) fs.rmSync(f, { force: true });
    if (!incoming) writeMachineDevices(files, this.devices(files, false));
    const stateFd = incoming ? fs.openSync(files.suspendState, 'r') : undefined;
    let p: QemuProcess;
    try {
      p = await QemuProcess.start({
        command,
        logFile: files.qemuLog,
        qmpSocket: files.qmpSocket,
        cwd: files.dir,
        env: this.opts.env,
        fd3: stateFd,
        qmpTimeoutMs: this.opts.qmpTimeoutMs ?? 15_000,
        binDir: this.opts.binDir,
      });
    } finally {
      if (stateFd !== undefined) fs.closeSync(stateFd);
    }
    this.track(spec.uuid, files, p);
    // QEMU made the socket with its umask. Owner-only on top of the owner-only directory; not
    // fatal if it is missing (the console then says it is unreachable; the guest still runs).
    if (spec.vnc.kind === 'unix' && fs.existsSync(files.vncSocket)) fs.chmodSync(files.vncSocket, 0o600);
    const handle = await this.handle(spec, files, p, command);
    onProgress?.({ phase: 'started', detail: `pid ${p.pid}` });
    return handle;
  }

  private track(uuid: string, files: InstanceFiles, p: QemuProcess): void {
    this.procs.set(uuid, p);
    void p.exited.then((exit) => {
      if (this.procs.get(uuid) === p) this.procs.delete(uuid);
      fs.rmSync(files.pidFile, { force: true });
      if (p.expectedExit) return;
      const info: GuestExitInfo = {
        reason: exitReason(exit, p.adopted),
        code: exit.code,
        signal: exit.signal,
        at: new Date().toISOString(),
      };
      for (const l of this.exitListeners) l(uuid, info);
    });
  }

  private async handle(spec: GuestSpec, files: InstanceFiles, p: QemuProcess, command: QemuCommand | null): Promise<GuestHandle> {
    let vnc: VncAddress = { unixSocket: files.vncSocket };
    if (spec.vnc.kind === 'tcp') {
      const info = await p.qmp.execute<{ host?: string; service?: string }>('query-vnc');
      vnc = { host: info.host ?? spec.vnc.host, port: Number(info.service), password: await this.vncPassword(spec.uuid, p) };
    }
    return { uuid: spec.uuid, pid: p.pid, command, vnc };
  }

  /** The guest's VNC password, set over QMP the first time (argv is readable by every local
   *  user; QMP is our private socket). 8 characters: VNC authentication uses no more. */
  private async vncPassword(uuid: string, p: QemuProcess): Promise<string> {
    const known = this.vncPasswords.get(p);
    if (known) return known;
    const password = randomBytes(6).toString('base64url');
    try {
      await p.qmp.execute('change-vnc-password', { password });
    } catch (err) {
      throw new Error(
        `cannot set the VNC password of guest ${uuid} (was it started without one? stop and start it): ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.vncPasswords.set(p, password);
    return password;
  }

  private serial<T>(uuid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(uuid) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(uuid, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.locks.get(uuid) === next) this.locks.delete(uuid);
      });
    return next;
  }
}

/** The spec the guest boots now: the rescue boot's while rescued, else its own. */
function bootSpec(files: InstanceFiles): GuestSpec {
  return fs.existsSync(files.rescueSpec) ? readSpec({ ...files, spec: files.rescueSpec }) : readSpec(files);
}

function dropRescue(files: InstanceFiles): void {
  for (const f of [files.rescueSpec, files.rescueDisk]) fs.rmSync(f, { force: true });
}

/** Whether a file is there for us: a folder Node's permission model keeps from this process
 *  throws rather than answering, which means the same here. */
function readable(file: string): boolean {
  try {
    return fs.existsSync(file);
  } catch {
    return false;
  }
}

function defaultForwarder(): { node: string; script: string } | null {
  const script = fileURLToPath(new URL('./metadata-forwarder.js', import.meta.url));
  return fs.existsSync(script) ? { node: process.execPath, script } : null;
}
