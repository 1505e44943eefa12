// What the launcher's supervisor says of a running lab's processes (as `novalab status`
// reads it): for tests that kill services and wait for them to come back.
import fs from 'node:fs';
import path from 'node:path';
import type { LabHandle } from '../../support/lab-process.js';
import { eventually } from '../../support/lab-process.js';
import type { ServiceProcess } from '../../../contract/services.js';

export async function labProcesses(lab: LabHandle): Promise<ServiceProcess[]> {
  const secret = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'control'), 'utf8');
  const res = await fetch(lab.url('gui', '/lab/api/services'), { headers: { 'x-novalab-control': secret } });
  if (!res.ok) throw new Error(`lab services: ${res.status}`);
  return ((await res.json()) as { processes: ServiceProcess[] }).processes;
}

/** The process of a service once the supervisor reports it running (not `notPid`, a dead one). */
export function runningService(lab: LabHandle, binary: string, host?: string, notPid?: number, ms = 120_000): Promise<ServiceProcess> {
  return eventually(`${binary}${host ? `@${host}` : ''} running`, async () =>
    (await labProcesses(lab)).find((p) => p.binary === binary && (!host || p.host === host) && p.state === 'running' && p.pid !== null && p.pid !== notPid),
  ms, 100);
}

/** kill -9, ignoring a process that is already gone. */
export function kill9(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; }
}
