// shelved_offload_time > 0: a shelved instance keeps its host that many seconds, then is
// offloaded (Nova's _poll_shelved_instances), unless it was unshelved or deleted meanwhile.
// The timer lives in this process; the recovery sweep offloads what a restarted nova-compute's
// lost timers left (recovery.ts).
import type { ComputeContext } from './compute-context.js';
import { shelveOffloadInstance } from './shelve.js';

export function offloadLater(c: ComputeContext, uuid: string): void {
  const t = setTimeout(() => void offloadShelved(c, uuid).catch(() => undefined), c.shelvedOffloadTime * 1000);
  t.unref();
}

/** Offload an instance still shelved here with no task; the timer and the sweep may race, one wins (compare-and-set). */
export async function offloadShelved(c: ComputeContext, uuid: string): Promise<void> {
  await c.conductor.instance_update(uuid, { task_state: 'shelving_offloading' }, { vm_state: ['shelved'], task_state: [null] });
  await shelveOffloadInstance(c, uuid);
}
