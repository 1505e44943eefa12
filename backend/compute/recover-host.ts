// Carry out what recovery.ts decides for this host's instances; each change says why, in the
// instance's fault or the log.
import { PowerState } from '../../contract/model.js';
import type { Instance } from '../../contract/model.js';
import type { ComputeContext } from './compute-context.js';
import { buildOnce, terminateOnce, type HostWork } from './compute-manager.js';
import { computeRecoveries, type HostClock } from './recovery.js';
import { moveRecovery, recoverMove } from './resize-recovery.js';
import { offloadShelved } from './shelve-offload-timer.js';

export async function recoverHost(c: ComputeContext, work: HostWork, clock: HostClock): Promise<void> {
  const mine = (await c.conductor.instance_list({
    host: c.host,
  })) as unknown as Instance[];
  const busy = new Set([...work.building, ...work.deleting]);
  for (const r of computeRecoveries(c.host, mine, busy, clock)) {
    switch (r.action) {
      case 'build':
        c.log.warn(`instance ${r.uuid} was placed here but its build never began: building it`);
        void buildOnce(c, work, r.uuid).catch((err: Error) => c.log.error(`build of ${r.uuid}: ${err.message}`));
        break;
      case 'terminate':
        c.log.warn(`instance ${r.uuid} was being deleted: finishing the delete`);
        await terminateOnce(c, work, r.uuid);
        break;
      case 'error':
        c.log.warn(`instance ${r.uuid}: ${r.why}; ERROR`);
        await c.driver.destroy(r.uuid).catch(() => undefined);
        await c.conductor
          .instance_update(
            r.uuid,
            {
              vm_state: 'error',
              task_state: null,
              power_state: PowerState.NOSTATE,
              fault: {
                code: 500,
                message: `Build of instance ${r.uuid} aborted: ${r.why}`,
                created: new Date().toISOString(),
              },
            },
            {
              vm_state: ['building'],
              task_state: ['networking', 'block_device_mapping', 'spawning'],
            },
          )
          .catch(() => undefined);
        break;
      case 'clear-task': {
        const move = moveRecovery(r.task);
        const inst = mine.find((i) => i.uuid === r.uuid);
        if (move && inst) {
          c.log.warn(
            `instance ${r.uuid} was ${r.task} when nova-compute stopped: ${move === 'roll-back' ? 'rolling the move back' : 'ERROR'}`,
          );
          await recoverMove(c, inst, move);
          break;
        }
        c.log.warn(`instance ${r.uuid} was ${r.task} when nova-compute stopped: clearing the task`);
        await c.conductor.instance_update(r.uuid, { task_state: null }, { task_state: [r.task] }).catch(() => undefined);
        break;
      }
      case 'offload':
        c.log.info(`instance ${r.uuid} has been shelved for shelved_offload_time: offloading it`);
        await offloadShelved(c, r.uuid).catch(() => undefined);
        break;
    }
  }
}
