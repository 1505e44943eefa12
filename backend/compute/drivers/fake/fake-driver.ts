// A compute driver that keeps its guests in memory (as Nova's fake driver): every call
// behaves like the real one — states, errors, console output, exits — without a process.
// For fast functional tests of the whole backend. Failures are injected by options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GuestNotFoundError,
  RetryableSpawnError,
  type AdoptReport,
  type ComputeDriver,
  type DriverHostInfo,
  type DriverHostReport,
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

export interface FakeDriverOptions {
  /** 'always': every spawn fails; 'once': the first one does; a list: spawns on those
   *  lab hosts fail. */
  failSpawn?: 'always' | 'once' | string[];
  /** Injected spawn failures are RetryableSpawnError (default) or plain errors. */
  failSpawnRetryable?: boolean;
  /** How long a spawn takes (default 0). */
  spawnDelayMs?: number;
  /** How long a snapshot's copy takes (default 0), so tests can see an image SAVING. */
  snapshotDelayMs?: number;
  /** Guests a previous compute process left: adopt() re-adopts those marked alive. */
  leftover?: { spec: GuestSpec; alive: boolean }[];
}

interface FakeGuest {
  spec: GuestSpec;
  state: GuestPowerState;
  console: string[];
  vnc: VncAddress;
  boots: number;
  /** While rescued: the rescue image it boots instead of its own disk. */
  rescue?: GuestSpec['image'];
}

export class FakeDriver implements ComputeDriver {
  readonly name = 'fake';
  private readonly guests = new Map<string, FakeGuest>();
  private readonly exitListeners = new Set<(uuid: string, info: GuestExitInfo) => void>();
  private host: DriverHostInfo | null = null;
  private spawns = 0;
  private nextPort = 5900;

  constructor(private readonly opts: FakeDriverOptions = {}) {}

  async init(host: DriverHostInfo): Promise<DriverHostReport> {
    this.host = host;
    return {
      accelerator: 'fake',
      acceleratorReason: 'fake driver: no hypervisor',
      accelerators: { x86_64: 'tcg', aarch64: 'tcg' },
      hypervisor_type: 'qemu',
      hypervisor_types: ['qemu'],
      hypervisor_version: 7002000,
      supported_instances: [
        ['x86_64', 'qemu', 'hvm'],
        ['aarch64', 'qemu', 'hvm'],
      ],
      cpu_info: { arch: 'x86_64', model: 'fake', vendor: 'novalab', topology: { sockets: 1, cores: 2, threads: 1 } },
    };
  }

  async spawn(spec: GuestSpec, onProgress?: ProgressFn): Promise<GuestHandle> {
    const n = this.spawns++;
    if (this.guests.has(spec.uuid)) throw new Error(`guest ${spec.uuid} already exists on this host`);
    onProgress?.({ phase: 'creating-disk', detail: `overlay on ${spec.image.disk}` });
    if (this.opts.spawnDelayMs) await new Promise((r) => setTimeout(r, this.opts.spawnDelayMs));
    const f = this.opts.failSpawn;
    const host = this.host?.host ?? '';
    if (f === 'always' || (f === 'once' && n === 0) || (Array.isArray(f) && f.includes(host))) {
      const msg = `fake driver: injected spawn failure on ${host || 'this host'}`;
      throw this.opts.failSpawnRetryable === false ? new Error(msg) : new RetryableSpawnError(msg);
    }
    onProgress?.({ phase: 'starting', detail: `fake ${spec.arch} guest` });
    const guest: FakeGuest = { spec, state: 'running', console: [], vnc: { host: '127.0.0.1', port: this.nextPort++ }, boots: 0 };
    this.guests.set(spec.uuid, guest);
    this.boot(guest);
    onProgress?.({ phase: 'started', detail: 'fake guest running' });
    return this.handle(guest);
  }

  private boot(g: FakeGuest): void {
    g.boots++;
    g.state = 'running';
    g.console.push(`[fake] booting ${g.spec.name} (${g.spec.arch}, ${g.spec.vcpus} vCPU, ${g.spec.memoryMb} MB)`);
    g.console.push(`novalab ${g.spec.hostname} ${g.spec.uuid}`);
  }

  /** Rescue, as the real driver: stop, boot the rescue image with the own disk second. */
  async rescue(uuid: string, image: GuestSpec['image']): Promise<GuestHandle> {
    const g = this.get(uuid);
    this.expect(g, ['running', 'paused', 'shutdown', 'crashed'], 'rescue');
    g.rescue = image;
    g.console.push(`[fake] rescue: booting rescue image ${path.basename(image.disk)} as vda, own disk as vdb`);
    this.boot(g);
    return this.handle(g);
  }

  async unrescue(uuid: string): Promise<GuestHandle> {
    const g = this.get(uuid);
    if (!g.rescue) throw new Error(`cannot unrescue guest ${uuid}: it is not rescued`);
    delete g.rescue;
    g.console.push(`[fake] unrescue: booting own disk (image ${path.basename(g.spec.image.disk)})`);
    this.boot(g);
    return this.handle(g);
  }

  private handle(g: FakeGuest): GuestHandle {
    return { uuid: g.spec.uuid, pid: null, command: null, vnc: g.vnc };
  }

  private get(uuid: string): FakeGuest {
    const g = this.guests.get(uuid);
    if (!g) throw new GuestNotFoundError(uuid);
    return g;
  }

  private expect(g: FakeGuest, states: GuestPowerState[], op: string): void {
    if (!states.includes(g.state)) throw new Error(`cannot ${op} guest ${g.spec.uuid} while ${g.state}`);
  }

  async powerOff(uuid: string): Promise<void> {
    const g = this.get(uuid);
    if (g.state === 'shutdown') return;
    g.state = 'shutdown';
    g.console.push('[fake] power down');
  }

  async powerOn(uuid: string): Promise<GuestHandle> {
    const g = this.get(uuid);
    if (g.state === 'suspended') return this.resume(uuid);
    this.expect(g, ['shutdown'], 'power on');
    this.boot(g);
    return this.handle(g);
  }

  async reboot(uuid: string, type: RebootType): Promise<void> {
    const g = this.get(uuid);
    if (type === 'SOFT') this.expect(g, ['running'], 'soft-reboot');
    g.console.push(`[fake] ${type === 'SOFT' ? 'soft' : 'hard'} reboot`);
    this.boot(g);
  }

  async destroy(uuid: string): Promise<void> {
    this.guests.delete(uuid);
  }

  async pause(uuid: string): Promise<void> {
    const g = this.get(uuid);
    this.expect(g, ['running'], 'pause');
    g.state = 'paused';
  }

  async unpause(uuid: string): Promise<void> {
    const g = this.get(uuid);
    this.expect(g, ['paused'], 'unpause');
    g.state = 'running';
  }

  async suspend(uuid: string): Promise<void> {
    const g = this.get(uuid);
    this.expect(g, ['running', 'paused'], 'suspend');
    g.state = 'suspended';
  }

  async resume(uuid: string): Promise<GuestHandle> {
    const g = this.get(uuid);
    this.expect(g, ['suspended'], 'resume');
    g.state = 'running';
    return this.handle(g);
  }

  /** The fake guest's disk is its base image, unchanged: the copy is that file's bytes. */
  async snapshot(uuid: string): Promise<GuestSnapshot> {
    const g = this.get(uuid);
    if (this.opts.snapshotDelayMs) await new Promise((r) => setTimeout(r, this.opts.snapshotDelayMs));
    if (!this.guests.has(uuid)) throw new GuestNotFoundError(uuid);
    const dir = this.host?.instancesDir ?? os.tmpdir();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${uuid}.snapshot`);
    await fs.promises.copyFile(g.spec.image.disk, file);
    return { file, format: g.spec.image.diskFormat };
  }

  // Resize and migration: the same bookkeeping as the QEMU driver's, in memory. The source keeps
  // its stopped guest aside; the destination (another process) makes its own from the spec.
  private readonly resizeSources = new Map<string, FakeGuest>();

  async migrateDiskAndPowerOff(uuid: string): Promise<void> {
    const g = this.get(uuid);
    this.expect(g, ['running', 'shutdown'], 'migrate');
    g.state = 'shutdown';
    g.console.push('[fake] power down for migration');
    this.guests.delete(uuid);
    this.resizeSources.set(uuid, g);
  }

  async finishMigration(spec: GuestSpec, opts: { powerOn: boolean }): Promise<GuestHandle | null> {
    const guest: FakeGuest = { spec, state: 'shutdown', console: [], vnc: { host: '127.0.0.1', port: this.nextPort++ }, boots: 0 };
    this.guests.set(spec.uuid, guest);
    if (!opts.powerOn) return null;
    this.boot(guest);
    return this.handle(guest);
  }

  async confirmMigration(uuid: string): Promise<void> {
    this.resizeSources.delete(uuid);
  }

  async abandonMigration(uuid: string): Promise<void> {
    this.resizeSources.delete(uuid);
  }

  async finishRevertMigration(uuid: string, powerOn: boolean): Promise<GuestHandle | null> {
    const g = this.resizeSources.get(uuid);
    if (!g) throw new GuestNotFoundError(uuid);
    this.resizeSources.delete(uuid);
    this.guests.set(uuid, g);
    if (!powerOn) return null;
    this.boot(g);
    return this.handle(g);
  }

  /** Test hook: the source copies this host keeps until a move is confirmed or reverted. */
  get keptSources(): string[] {
    return [...this.resizeSources.keys()];
  }

  async getConsoleOutput(uuid: string, lines?: number): Promise<string> {
    const all = this.get(uuid).console;
    return (lines ? all.slice(-lines) : all).join('\n') + '\n';
  }

  async getVncConsole(uuid: string): Promise<VncAddress> {
    const g = this.get(uuid);
    this.expect(g, ['running', 'paused'], 'open a console of');
    return g.vnc;
  }

  /** Nova's fake driver's numbers, one vCPU per flavor vCPU and one disk (vda). */
  async getStats(uuid: string): Promise<GuestStats> {
    const g = this.get(uuid);
    this.expect(g, ['running'], 'read the statistics of');
    return {
      cpus: Array.from({ length: g.spec.vcpus }, (_, id) => ({ id, timeNs: 17_300_000_000 })),
      disks: [{ name: 'vda', readBytes: 262_144, readRequests: 112, writeBytes: 5_778_432, writeRequests: 488, errors: 0 }],
      memoryUsedMb: null,
    };
  }

  async listRunning(): Promise<string[]> {
    return [...this.guests.values()].filter((g) => g.state === 'running' || g.state === 'paused').map((g) => g.spec.uuid);
  }

  async getPowerState(uuid: string): Promise<GuestPowerState> {
    return this.guests.get(uuid)?.state ?? 'nostate';
  }

  async adopt(): Promise<AdoptReport> {
    const report: AdoptReport = { adopted: [], vanished: [] };
    for (const { spec, alive } of this.opts.leftover?.splice(0) ?? []) {
      this.guests.set(spec.uuid, {
        spec,
        state: alive ? 'running' : 'shutdown',
        console: [],
        vnc: { host: '127.0.0.1', port: this.nextPort++ },
        boots: 1,
      });
      (alive ? report.adopted : report.vanished).push(spec.uuid);
    }
    return report;
  }

  onGuestExit(callback: (uuid: string, info: GuestExitInfo) => void): () => void {
    this.exitListeners.add(callback);
    return () => this.exitListeners.delete(callback);
  }

  /** Test hook: the guest stops behind the manager's back (kill -9, crash, poweroff inside). */
  simulateGuestExit(uuid: string, reason: GuestExitInfo['reason'] = 'killed'): void {
    const g = this.get(uuid);
    g.state = 'shutdown';
    const info: GuestExitInfo = { reason, code: null, signal: reason === 'killed' ? 'SIGKILL' : null, at: new Date().toISOString() };
    for (const l of this.exitListeners) l(uuid, info);
  }

  async close(opts?: { stopGuests?: boolean }): Promise<void> {
    if (opts?.stopGuests) for (const g of this.guests.values()) if (g.state !== 'suspended') g.state = 'shutdown';
    this.exitListeners.clear();
  }
}
