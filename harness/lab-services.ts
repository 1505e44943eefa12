// What the launcher knows of a running lab's processes (GET /lab/api/services with the control
// secret `novalab status` uses), and the difference between two readings: a service that died
// shows as a new PID or a higher restart count, a nova-api worker as a new worker PID.
import fs from 'node:fs';
import path from 'node:path';
import type { LabHandle } from './lab-process.js';

export interface ProcessView {
  binary: string;
  host: string;
  pid: number | null;
  workerPids: number[];
  restarts: number;
  state: string;
}

export async function labProcesses(lab: LabHandle): Promise<Map<string, ProcessView>> {
  const control = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'control'), 'utf8');
  const res = await fetch(lab.url('gui', '/lab/api/services'), { headers: { 'x-novalab-control': control } });
  if (res.status !== 200) throw new Error(`the lab's services endpoint answered ${res.status}`);
  const body = (await res.json()) as { processes: ProcessView[] };
  return new Map(body.processes.map((p) => [`${p.binary}@${p.host}`, { ...p, workerPids: [...p.workerPids].sort() }]));
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
