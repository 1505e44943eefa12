// Pure: what the conductor does about instances whose work was lost with a process that died
// (kill -9 of the conductor itself, of nova-api, or of the scheduler mid-request), so none is
// left in BUILD or deleting for ever:
// - at the conductor's start, a build it was scheduling (no host yet, its request spec saved)
//   is scheduled again; one already placed on a host but not yet taken by that host's
//   nova-compute gets its build cast again (nova-compute ignores a build it already runs);
// - at any time, an instance with no host and no request spec that has waited a while was
//   never handed to the conductor (nova-api died between writing it and casting the build):
//   ERROR, saying so; a delete of an instance with no host that nova-api began and never
//   finished is finished.
import type { Instance } from '../../contract/model.js';
import type { RequestSpec } from '../../contract/scheduler.js';

export type ConductorRecovery =
  | { uuid: string; action: 'reschedule'; spec: RequestSpec }
  | { uuid: string; action: 'recast'; host: string }
  | { uuid: string; action: 'error'; why: string }
  | { uuid: string; action: 'destroy' }
  | { uuid: string; action: 'clear-task' };

export interface RecoveryClock {
  now: number;
  /** True once, right after the conductor started: work in flight in the old process is lost. */
  atStart: boolean;
  /** How long an instance must have been unchanged before it counts as abandoned. */
  abandonedAfterMs: number;
}

export function conductorRecoveries(
  instances: Instance[],
  specs: Record<string, RequestSpec>,
  scheduling: ReadonlySet<string>,
  clock: RecoveryClock,
): ConductorRecovery[] {
  const out: ConductorRecovery[] = [];
  for (const i of instances) {
    if (i.vm_state === 'deleted' || scheduling.has(i.uuid)) continue;
    const abandoned = clock.now - Date.parse(i.updated_at) >= clock.abandonedAfterMs;
    const spec = specs[i.uuid] ?? null;
    if (i.task_state === 'deleting') {
      if (i.host === null && abandoned) out.push({ uuid: i.uuid, action: 'destroy' });
      continue;
    }
    // An unshelve whose scheduling died with a process: offloaded again, without the task, so
    // the user can unshelve once more.
    if (i.vm_state === 'shelved_offloaded' && i.task_state === 'unshelving' && i.host === null && abandoned) {
      out.push({ uuid: i.uuid, action: 'clear-task' });
      continue;
    }
    if (i.vm_state !== 'building') continue;
    if (i.host === null) {
      if (spec && clock.atStart) out.push({ uuid: i.uuid, action: 'reschedule', spec });
      else if (!spec && abandoned) {
        out.push({
          uuid: i.uuid,
          action: 'error',
          why: 'its build request was lost: nova-api stopped before it asked the conductor to build it',
        });
      }
    } else if (i.task_state === 'scheduling' && clock.atStart) {
      out.push({ uuid: i.uuid, action: 'recast', host: i.host });
    }
  }
  return out;
}
