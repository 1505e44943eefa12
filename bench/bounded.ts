// Effects the bench sections share, each bounded: a lab that is always stopped (SIGKILL for
// its whole process tree if SIGTERM is not enough), HTTP requests with a deadline, and the
// floor processes (bare Node and express servers) started and probed as the lab's services.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, processTree, killTree, freePort, type LabHandle, type StartLabOptions } from '../harness/lab-process.js';
import { sleep, type SectionContext } from './deadline.js';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
/** The p-th percentile (0..100), nearest rank. */
export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
/** A ratio of a figure to its floor, or NaN→-1 when the floor is missing (JSON has no NaN). */
export const ratio = (x: number, floor: number): number => (floor > 0 && Number.isFinite(x) ? round(x / floor, 2) : -1);

/** Stop a lab: SIGTERM, and after `graceMs` SIGKILL for every process it still has. */
export async function stopLab(lab: LabHandle, graceMs = 25_000): Promise<void> {
  const pid = lab.child.pid;
  if (!pid || lab.child.exitCode !== null || lab.child.signalCode !== null) return;
  const tree = processTree(pid);
  const stopped = lab.stop();
  const inTime = await Promise.race([stopped.then(() => true), sleep(graceMs).then(() => false)]);
  if (!inTime) killTree(pid);
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL'); // services that outlived their launcher
    } catch {
      /* gone, as it should be */
    }
  }
}

/** A lab started within a step's deadline, and stopped when the section ends, however it ends. */
export async function labFor(ctx: SectionContext, step: string, ms: number, opts: StartLabOptions): Promise<LabHandle> {
  const lab = await ctx.step(step, ms, (signal) => startLab({ ...opts, signal, timeoutMs: ms }));
  ctx.defer(`stop lab ${lab.stateDir}`, () => stopLab(lab));
  return lab;
}

/** fetch that gives up at `ms` or when `signal` fires (the socket is then destroyed). */
export async function fetchWithin(url: string, init: RequestInit, ms: number, signal?: AbortSignal): Promise<Response> {
  const s = signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
  return fetch(url, { ...init, signal: s });
}

/** Any HTTP answer counts, except a gateway's or a not-yet-ready 502-504 (the lab's EC2 port answers 501 on purpose). */
export async function answers(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const r = await fetchWithin(url, {}, 2_000, signal);
    await r.arrayBuffer();
    return r.status < 502 || r.status > 504;
  } catch {
    return false;
  }
}

/** Probe every URL every 10 ms until all answer (how lab start and its floors are timed). */
export async function untilAllAnswer(urls: string[], signal: AbortSignal): Promise<void> {
  while (!(await Promise.all(urls.map((u) => answers(u, signal)))).every(Boolean)) await sleep(10, signal);
}

const floorServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-server.js');

export type FloorKind = 'node' | 'express' | 'body';

/** One floor process: `node floor-server.js <kind> <port> [bodyFile]`, spawned as the supervisor spawns a service. */
export function spawnFloor(kind: FloorKind, port: number, bodyFile?: string): ChildProcess {
  return spawn(process.execPath, ['--max-semi-space-size=1', floorServer, kind, String(port), ...(bodyFile ? [bodyFile] : [])], {
    stdio: 'ignore',
    env: { ...process.env, MALLOC_ARENA_MAX: '1' },
  });
}

/** Time from spawning `n` floor servers to all of them answering; they are killed after. */
export async function floorStartMs(kind: FloorKind, n: number, signal: AbortSignal): Promise<number> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const procs: ChildProcess[] = [];
  try {
    const t0 = performance.now();
    for (const p of ports) procs.push(spawnFloor(kind, p));
    await untilAllAnswer(
      ports.map((p) => `http://127.0.0.1:${p}/`),
      signal,
    );
    return performance.now() - t0;
  } finally {
    await Promise.all(procs.map((p) => killAndWait(p)));
  }
}

/** SIGKILL a child and wait (at most 5 s) for its exit. */
export function killAndWait(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 5_000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGKILL');
  });
}
