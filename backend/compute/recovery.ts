// Pure: what nova-compute does, at start and periodically, about its host's instances whose
// work was lost with a process that died — as Nova's compute manager does in init_host
// (_init_instance): a build that was running when nova-compute died goes to ERROR; a delete
// that was running is finished; any other task is cleared (the power-state sync then records
// what the guest really is). A build cast that never reached it (placed here, not yet begun)
// is begun. Periodically, a delete nova-api began that never reached this host is finished,
// and a shelved instance whose shelved_offload_time has passed is offloaded (Nova's
// _poll_shelved_instances; the shelve's own timer is lost when nova-compute restarts).
import type { Instance, TaskState } from '../../contract/model.js';

export type ComputeRecovery =
  | { uuid: string; action: 'build' }
  | { uuid: string; action: 'error'; why: string }
  | { uuid: string; action: 'terminate' }
  | { uuid: string; action: 'clear-task'; task: TaskState }
  | { uuid: string; action: 'offload' };

export interface HostClock {
  now: number;
  atStart: boolean;
  abandonedAfterMs: number;
  /** shelved_offload_time in ms; 0 or less: nothing for the sweep (offloaded at once, or never). */
  shelvedOffloadMs: number;
}

const BUILD_STEPS: TaskState[] = ['networking', 'block_device_mapping', 'spawning'];

export function computeRecoveries(host: string, mine: Instance[], busy: ReadonlySet<string>, clock: HostClock): ComputeRecovery[] {
  const out: ComputeRecovery[] = [];
  for (const i of mine) {
    if (i.host !== host || i.vm_state === 'deleted' || busy.has(i.uuid)) continue;
    const abandoned = clock.now - Date.parse(i.updated_at) >= clock.abandonedAfterMs;
    if (i.task_state === 'deleting') {
      if (clock.atStart || abandoned) out.push({ uuid: i.uuid, action: 'terminate' });
    } else if (i.vm_state === 'building') {
      if (BUILD_STEPS.includes(i.task_state) && (clock.atStart || abandoned)) {
        out.push({
          uuid: i.uuid,
          action: 'error',
          why: `nova-compute on ${host} stopped while building it`,
        });
      } else if (!BUILD_STEPS.includes(i.task_state) && clock.atStart) {
        out.push({ uuid: i.uuid, action: 'build' });
      }
    } else if (i.task_state !== null && clock.atStart) {
      out.push({ uuid: i.uuid, action: 'clear-task', task: i.task_state });
    } else if (i.vm_state === 'shelved' && i.task_state === null && shelvedLongEnough(i, clock)) {
      out.push({ uuid: i.uuid, action: 'offload' });
    }
  }
  return out;
}

function shelvedLongEnough(i: Instance, clock: HostClock): boolean {
  const at = i.shelved_at ? Date.parse(i.shelved_at) : NaN;
  return clock.shelvedOffloadMs > 0 && Number.isFinite(at) && clock.now - at >= clock.shelvedOffloadMs;
}
