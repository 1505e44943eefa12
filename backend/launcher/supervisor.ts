// Runs each planned service as its own OS process, restarts one that dies (and records it),
// and stops them all on request — SIGTERM first, SIGKILL for any that outstay the grace time.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceProcess } from '../../contract/services.js';
import type { ServicePlanEntry } from './service-plan.js';

export interface SupervisorOptions {
  distDir: string;
  logsDir: string;
  env: Record<string, string>;
  onEvent: (summary: string, detail: Record<string, unknown>) => void;
  /** Restarts allowed per minute before a crash-looping service is left stopped. */
  maxRestartsPerMinute?: number;
}

interface Managed {
  plan: ServicePlanEntry;
  proc: ServiceProcess;
  child: ChildProcess | null;
  restartTimes: number[];
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
    return [...this.managed.values()].map((m) => ({ ...m.proc, workerPids: [...m.proc.workerPids] }));
  }

  /** Start one service; resolves when it says ready, rejects if it dies first. */
  start(plan: ServicePlanEntry): Promise<void> {
    const key = serviceKey(plan);
    const m: Managed = this.managed.get(key) ?? {
      plan,
      proc: {
        binary: plan.binary,
        host: plan.host,
        pid: null,
        workerPids: [],
        ports: plan.ports.map((p) => p.port),
        state: 'starting',
        restarts: 0,
        startedAt: null,
        lastExit: null,
      },
      child: null,
      restartTimes: [],
    };
    this.managed.set(key, m);
    return this.spawnChild(m);
  }

  private spawnChild(m: Managed): Promise<void> {
    const key = serviceKey(m.plan);
    const log = fs.openSync(path.join(this.opts.logsDir, `${key}.log`), 'a');
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, ...m.plan.nodeArgs, path.join(this.opts.distDir, m.plan.entry)], {
      env: { ...SERVICE_ENV, ...process.env, ...this.opts.env, ...m.plan.env },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    m.child = child;
    m.proc.pid = child.pid ?? null;
    m.proc.workerPids = [];
    m.proc.state = m.proc.restarts > 0 ? 'restarting' : 'starting';
    return new Promise((resolve, reject) => {
      let ready = false;
      let fatal: string | null = null;
      child.on('message', (msg: { type?: string; ports?: number[]; pids?: number[]; message?: string }) => {
        if (msg.type === 'ready') {
          ready = true;
          m.proc.state = 'running';
          m.proc.startedAt = new Date().toISOString();
          resolve();
        } else if (msg.type === 'workers' && Array.isArray(msg.pids)) {
          m.proc.workerPids = msg.pids;
        } else if (msg.type === 'fatal') {
          fatal = String(msg.message);
        }
      });
      child.on('exit', (code, signal) => {
        m.proc.lastExit = { code, signal, at: new Date().toISOString() };
        m.proc.pid = null;
        m.proc.workerPids = [];
        m.child = null;
        if (!ready) {
          m.proc.state = 'stopped';
          reject(
            new Error(
              fatal ??
                `${key} exited before it was ready (code ${code}, signal ${signal}); see ${path.join(this.opts.logsDir, key + '.log')}`,
            ),
          );
          return;
        }
        if (!this.stopping) this.restart(m, code, signal);
      });
    });
  }

  private restart(m: Managed, code: number | null, signal: string | null): void {
    const key = serviceKey(m.plan);
    const now = Date.now();
    m.restartTimes = m.restartTimes.filter((t) => now - t < 60_000);
    if (m.restartTimes.length >= (this.opts.maxRestartsPerMinute ?? 5)) {
      m.proc.state = 'stopped';
      this.opts.onEvent(`${key} died again (code ${code}, signal ${signal}); too many restarts, left stopped`, {
        binary: m.plan.binary,
        host: m.plan.host,
      });
      return;
    }
    m.restartTimes.push(now);
    m.proc.restarts += 1;
    m.proc.state = 'restarting';
    this.opts.onEvent(`${key} died (code ${code}, signal ${signal}); restarting (restart #${m.proc.restarts})`, {
      binary: m.plan.binary,
      host: m.plan.host,
      code,
      signal,
      restarts: m.proc.restarts,
    });
    setTimeout(() => {
      if (this.stopping) return;
      this.spawnChild(m).then(
        () => this.opts.onEvent(`${key} is back (pid ${m.proc.pid})`, { binary: m.plan.binary, host: m.plan.host, pid: m.proc.pid }),
        (err: Error) => this.opts.onEvent(`${key} failed to restart: ${err.message}`, { binary: m.plan.binary }),
      );
    }, 200);
  }

  /** Restart one service on purpose (e.g. after a nova.conf change). */
  async restartService(binary: string, host?: string): Promise<ServiceProcess[]> {
    const targets = [...this.managed.values()].filter((m) => m.plan.binary === binary && (!host || m.plan.host === host));
    await Promise.all(
      targets.map(async (m) => {
        await this.stopOne(m, 10_000);
        m.proc.restarts += 1;
        await this.spawnChild(m);
      }),
    );
    return targets.map((m) => ({ ...m.proc }));
  }

  private stopOne(m: Managed, graceMs: number): Promise<void> {
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
      child.kill('SIGTERM');
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
      await Promise.all(groups.get(r)!.map((m) => this.stopOne(m, graceMs)));
    }
  }
}
