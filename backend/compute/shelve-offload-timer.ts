// shelved_offload_time > 0: a shelved instance keeps its host that many seconds, then is
// offloaded (Nova's _poll_shelved_instances), unless it was unshelved or deleted meanwhile.
// The timer lives in this process: a restarted nova-compute leaves such an instance SHELVED.
import type { ComputeContext } from './compute-context.js';
import { shelveOffloadInstance } from './shelve.js';

export function offloadLater(c: ComputeContext, uuid: string): void {
  const t = setTimeout(() => {
    void (async () => {
      // Only one still shelved here with no task takes the offload (compare-and-set).
      await c.conductor.instance_update(uuid, { task_state: 'shelving_offloading' }, { vm_state: ['shelved'], task_state: [null] });
      await shelveOffloadInstance(c, uuid);
    })().catch(() => undefined);
  }, c.shelvedOffloadTime * 1000);
  t.unref();
}
