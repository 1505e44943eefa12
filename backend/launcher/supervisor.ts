// Runs each planned service as its own OS process, restarts one that dies — backing off while
// it keeps failing, for as long as the lab runs — records it, and stops them all on request — SIGTERM first, SIGKILL for any that outstay the grace time.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LAB_SHUTDOWN_MESSAGE, type ServiceProcess } from '../../contract/services.js';
import type { ServiceLifeDetail } from '../../contract/service-health.js';
import { msg, raw, type LabMessage } from '../../contract/messages.js';
import type { ServicePlanEntry } from './service-plan.js';
import { DEFAULT_RESTART_POLICY, failuresInARow, restartDelayMs, type RestartPolicy } from './restart-policy.js';

export interface SupervisorOptions {
  distDir: string;
  logsDir: string;
  env: Record<string, string>;
  /** A service's life event, by code (the GUI translates it; the launcher prints its English). */
  onEvent: (said: LabMessage, detail: ServiceLifeDetail & { error?: string }) => void;
  /** When to try a dead service again (tests shorten it). */
  restartPolicy?: RestartPolicy;
  /** A service process (or a worker) started or ended: the launcher records the pids. */
  onPidsChanged?: () => void;
}

interface Managed {
  plan: ServicePlanEntry;
  proc: ServiceProcess;
  child: ChildProcess | null;
  /** When the current process said ready (ms), for telling a stable run from a failing one. */
  readyAt: number | null;
  /** The pending try, while backing off. */
  retry: NodeJS.Timeout | null;
  /**
   * Deaths in a row without a stable run. Kept while a new try runs (shown as 0): a service
   * that dies a second after each ready is still crash-looping and keeps backing off.
   */
  streak: number;
  /** A master's workers per port, as it last reported them (nova-api). */
  workerGroups: WorkerGroupReport[];
}

/** What a master (nova-api) says of one group of its workers. */
export interface WorkerGroupReport {
  role: string;
  listen: string;
  port: number;
  pids: number[];
  accepts: 'master' | 'workers';
}

/**
 * Services are small and mostly idle: a 1 MB young generation (Node's default is 16 MB per
 * semi-space) keeps each process's resident memory down at little cost in GC time.
 */
const SERVICE_NODE_ARGS = ['--max-semi-space-size=1'];

/**
 * glibc keeps freed large blocks (e.g. keystone's scrypt, glance's hashing buffers) in the
 * process unless large allocations always use mmap; one malloc arena per process is plenty
 * for a mostly idle service. Together they halve those services' idle memory.
 */
const SERVICE_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };

export const serviceKey = (s: { binary: string; host: string }) => (s.binary === 'nova-compute' ? `${s.binary}@${s.host}` : s.binary);

export class Supervisor {
  private managed = new Map<string, Managed>();
  private stopping = false;

  constructor(private opts: SupervisorOptions) {}

  list(): ServiceProcess[] {
    return [...this.managed.values()].map((m) => ({
      ...m.proc,
      workerPids: [...m.proc.workerPids],
    }));
  }

  /** The worker groups a service's master reported last, with its pid (empty when it has none). */
  workerGroups(key: string): { masterPid: number | null; groups: WorkerGroupReport[] } {
    const m = this.managed.get(key);
    return { masterPid: m?.proc.pid ?? null, groups: (m?.workerGroups ?? []).map((g) => ({ ...g, pids: [...g.pids] })) };
  }

  /**
   * Know these services, in this order, before any starts: list() shows them so, whatever
   * order they are then started in.
   */
  register(plans: ServicePlanEntry[]): void {
    for (const plan of plans) if (!this.managed.has(serviceKey(plan))) this.managed.set(serviceKey(plan), this.entry(plan));
  }

  /** Start one service; resolves when it says ready, rejects if it dies first. */
  start(plan: ServicePlanEntry): Promise<void> {
    const key = serviceKey(plan);
    const m: Managed = this.managed.get(key) ?? this.entry(plan);
    this.managed.set(key, m);
    return this.spawnChild(m);
  }

  private entry(plan: ServicePlanEntry): Managed {
    return {
      plan,
      proc: {
        binary: plan.binary,
        host: plan.host,
        pid: null,
        workerPids: [],
        ports: plan.ports.map((p) => p.port),
        state: 'starting',
        restarts: 0,
        failures: 0,
        nextTryAt: null,
        startedAt: null,
        lastExit: null,
        lastError: null,
      },
      child: null,
      readyAt: null,
      retry: null,
      streak: 0,
      workerGroups: [],
    };
  }

  private logFile(m: Managed): string {
    return path.join(this.opts.logsDir, `${serviceKey(m.plan)}.log`);
  }

  private spawnChild(m: Managed): Promise<void> {
    const key = serviceKey(m.plan);
    const log = fs.openSync(this.logFile(m), 'a');
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, ...m.plan.nodeArgs, path.join(this.opts.distDir, m.plan.entry)], {
      env: {
        ...SERVICE_ENV,
        ...process.env,
        ...this.opts.env,
        ...m.plan.env,
      },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    m.child = child;
    m.readyAt = null;
    m.proc.pid = child.pid ?? null;
    m.proc.workerPids = [];
    m.workerGroups = [];
    m.proc.nextTryAt = null;
    if (m.proc.restarts === 0) m.proc.state = 'starting';
    this.opts.onPidsChanged?.();
    return new Promise((resolve, reject) => {
      let fatal: string | null = null;
      child.on('message', (msg: { type?: string; ports?: number[]; pids?: number[]; groups?: WorkerGroupReport[]; message?: string }) => {
        if (msg.type === 'ready') {
          m.readyAt = Date.now();
          m.proc.state = 'running';
          m.proc.startedAt = new Date().toISOString();
          resolve();
        } else if (msg.type === 'workers' && Array.isArray(msg.pids)) {
          m.proc.workerPids = msg.pids;
          if (Array.isArray(msg.groups)) m.workerGroups = msg.groups;
          this.opts.onPidsChanged?.();
        } else if (msg.type === 'fatal') {
          fatal = String(msg.message);
        }
      });
      child.on('exit', (code, signal) => {
        const ranMs = m.readyAt === null ? null : Date.now() - m.readyAt;
        m.proc.lastExit = { code, signal, at: new Date().toISOString() };
        m.proc.pid = null;
        m.proc.workerPids = [];
        m.workerGroups = [];
        m.child = null;
        this.opts.onPidsChanged?.();
        if (ranMs === null) {
          m.proc.lastError = fatal ?? `${key} exited before it was ready (code ${code}, signal ${signal}); see ${this.logFile(m)}`;
          reject(new Error(m.proc.lastError));
          return;
        }
        if (this.stopping) return;
        const delay = this.onDeath(m, ranMs);
        // A crash is an event of its own (the GUI lists it with its exit reason), not only a counter.
        const exit = signal ? msg('event.exitSignal', { signal: raw(signal) }) : msg('event.exitCode', { code: String(code) });
        this.opts.onEvent(msg('event.serviceDied', { service: key, exit, next: this.nextTry(m) }), {
          ...this.lifeDetail(m, 'crash', child.pid ?? null, delay),
          exit: signal ? { signal, code: null } : { signal: null, code },
        });
      });
    });
  }

  private get policy(): RestartPolicy {
    return this.opts.restartPolicy ?? DEFAULT_RESTART_POLICY;
  }

  private nextTry(m: Managed): LabMessage {
    return m.proc.failures > 1
      ? msg('event.serviceFailing', { count: m.proc.failures, at: m.proc.nextTryAt ?? '-' })
      : msg('event.serviceRestarting', { number: m.proc.restarts + 1 });
  }

  /** What a service event says of one service's life: contract/service-health.ts. */
  private lifeDetail(m: Managed, event: ServiceLifeDetail['event'], pid: number | null, delay?: number): ServiceLifeDetail {
    return {
      event,
      binary: m.plan.binary,
      host: m.plan.host,
      pid,
      restarts: m.proc.restarts,
      ...(delay === undefined
        ? {}
        : {
            plan: {
              action: m.proc.failures > 1 ? 'backoff' : 'restart',
              delay_ms: delay,
              next_try_at: m.proc.nextTryAt,
              failures: m.proc.failures,
            },
          }),
    };
  }

  /** A death (after ready: ranMs; a failed try: null) schedules the next try — never gives up. Returns the delay. */
  private onDeath(m: Managed, ranMs: number | null): number {
    m.streak = failuresInARow(m.streak, ranMs, this.policy);
    m.proc.failures = m.streak;
    const delay = restartDelayMs(m.streak, this.policy);
    m.proc.state = m.proc.failures > 1 ? 'failing' : 'restarting';
    m.proc.nextTryAt = new Date(Date.now() + delay).toISOString();
    if (m.retry) clearTimeout(m.retry);
    m.retry = setTimeout(() => this.tryAgain(m), delay);
    return delay;
  }

  private tryAgain(m: Managed): void {
    m.retry = null;
    if (this.stopping) return;
    const key = serviceKey(m.plan);
    m.proc.restarts += 1;
    this.spawnChild(m).then(
      () => {
        m.proc.failures = 0;
        m.proc.lastError = null;
        this.opts.onEvent(msg('event.serviceBack', { service: key, pid: m.proc.pid ?? '-' }), this.lifeDetail(m, 'back', m.proc.pid));
      },
      (err: Error) => {
        if (this.stopping) return;
        const delay = this.onDeath(m, null);
        this.opts.onEvent(msg('event.serviceStartFailed', { service: key, error: raw(err.message), next: this.nextTry(m) }), {
          ...this.lifeDetail(m, 'start_failed', null, delay),
          ...(m.proc.lastExit
            ? {
                exit: m.proc.lastExit.signal
                  ? { signal: m.proc.lastExit.signal, code: null }
                  : { signal: null, code: m.proc.lastExit.code },
              }
            : {}),
          error: err.message,
        });
      },
    );
  }

  /** Restart one service on purpose (e.g. after a nova.conf change). */
  async restartService(binary: string, host?: string): Promise<ServiceProcess[]> {
    const targets = [...this.managed.values()].filter((m) => m.plan.binary === binary && (!host || m.plan.host === host));
    await Promise.all(
      targets.map(async (m) => {
        await this.stopOne(m, 10_000);
        m.streak = 0; // a restart asked for is a fresh start
        m.proc.restarts += 1;
        m.proc.state = 'restarting';
        try {
          await this.spawnChild(m);
          m.proc.failures = 0;
          m.proc.lastError = null;
          const said = msg('event.serviceRestarted', { service: serviceKey(m.plan), pid: m.proc.pid ?? '-' });
          this.opts.onEvent(said, this.lifeDetail(m, 'restarted', m.proc.pid));
        } catch (err) {
          // A bad change keeps it down until it is fixed: keep trying, and say why now.
          if (!this.stopping) this.onDeath(m, null);
          throw err;
        }
      }),
    );
    return targets.map((m) => ({ ...m.proc }));
  }

  /** Stop one process: SIGTERM for a service restart; for the lab's shutdown, the launcher's
   *  lab-shutdown message first (nova-compute then stops its guests too). */
  private stopOne(m: Managed, graceMs: number, labShutdown = false): Promise<void> {
    if (m.retry) {
      clearTimeout(m.retry);
      m.retry = null;
    }
    m.proc.nextTryAt = null;
    const child = m.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => {
        clearTimeout(kill);
        m.proc.lastExit = { code, signal, at: new Date().toISOString() };
        m.proc.pid = null;
        m.proc.state = 'stopped';
        m.child = null;
        resolve();
      });
      if (labShutdown && child.connected) child.send(LAB_SHUTDOWN_MESSAGE, (err) => err && child.kill('SIGTERM'));
      else child.kill('SIGTERM');
    });
  }

  /** Stop everything: nova-api first (no new requests), computes next (their guests), the conductor last. */
  async stopAll(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const order = [
      'nova-api',
      'nova-novncproxy',
      'nova-compute',
      'nova-scheduler',
      'nova-consoleauth',
      'glance-api',
      'keystone',
      'nova-conductor',
    ];
    const rank = (m: Managed) => order.indexOf(m.plan.binary);
    const groups = new Map<number, Managed[]>();
    for (const m of this.managed.values()) groups.set(rank(m), [...(groups.get(rank(m)) ?? []), m]);
    for (const r of [...groups.keys()].sort((a, b) => a - b)) {
      await Promise.all(groups.get(r)!.map((m) => this.stopOne(m, graceMs, true)));
    }
  }
}
