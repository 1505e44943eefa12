// What the launcher knows of a running lab's processes (GET /lab/api/services with the control
// secret `novalab status` uses), and the difference between two readings: a service that died
// shows as a new PID or a higher restart count, a nova-api worker as a new worker PID.
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceProcess } from '../contract/services.js';
import { eventually, type LabHandle } from './lab-process.js';

export interface ProcessView {
  binary: string;
  host: string;
  pid: number | null;
  workerPids: number[];
  restarts: number;
  state: string;
}

/** The supervisor's processes, as `novalab status` reads them. */
export async function serviceProcesses(lab: LabHandle): Promise<ServiceProcess[]> {
  const control = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'control'), 'utf8');
  const res = await fetch(lab.url('gui', '/lab/api/services'), {
    headers: { 'x-novalab-control': control },
  });
  if (res.status !== 200) throw new Error(`the lab's services endpoint answered ${res.status}`);
  return ((await res.json()) as { processes: ServiceProcess[] }).processes;
}

/** The processes by binary@host, worker PIDs sorted, to compare two readings. */
export async function labProcesses(lab: LabHandle): Promise<Map<string, ProcessView>> {
  const processes = await serviceProcesses(lab);
  return new Map(processes.map((p) => [`${p.binary}@${p.host}`, { ...p, workerPids: [...p.workerPids].sort() }]));
}

/** The process of a service once the supervisor reports it running (not `notPid`, a dead one). */
export function runningService(lab: LabHandle, binary: string, host?: string, notPid?: number, ms = 120_000): Promise<ServiceProcess> {
  return eventually(
    `${binary}${host ? `@${host}` : ''} running`,
    async () =>
      (await serviceProcesses(lab)).find(
        (p) => p.binary === binary && (!host || p.host === host) && p.state === 'running' && p.pid !== null && p.pid !== notPid,
      ),
    ms,
    100,
  );
}

/** kill -9, ignoring a process that is already gone. */
export function kill9(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Pure: one line per process that is not the same one as before. */
export function processChanges(before: Map<string, ProcessView>, after: Map<string, ProcessView>): string[] {
  const out: string[] = [];
  for (const [key, was] of before) {
    const now = after.get(key);
    if (!now || now.restarts !== was.restarts || now.pid !== was.pid || now.workerPids.join(',') !== was.workerPids.join(',')) {
      out.push(
        `${key}: pid ${was.pid} → ${now?.pid}, workers [${was.workerPids}] → [${now?.workerPids}], restarts ${was.restarts} → ${now?.restarts}, state ${now?.state}`,
      );
    }
  }
  return out;
}

/** The launcher's own state: a lab whose launcher exited has stopped entirely. */
export const launcherGone = (lab: LabHandle): string | null =>
  lab.child.exitCode !== null || lab.child.signalCode !== null
    ? `the launcher is gone (exit code ${lab.child.exitCode}, signal ${lab.child.signalCode}): every service and guest stopped with it`
    : null;
