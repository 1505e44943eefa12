// A resize or migration this nova-compute was in the middle of when it stopped (Nova's
// _init_instance): a move the source had not handed over yet is rolled back — the source copy
// put back and started again if it ran — and one the destination was finishing or reverting
// goes to ERROR with the reason, since half of it is lost.
import type { Instance, TaskState } from '../../contract/model.js';
import type { ComputeContext } from './compute-context.js';
import { settledVmState } from './resize.js';

export type MoveRecovery = 'roll-back' | 'error' | null;

/** Pure: what to do with an instance found in `task` at start, or null when it is no move. */
export function moveRecovery(task: TaskState): MoveRecovery {
  if (task === 'resize_prep' || task === 'resize_migrating') return 'roll-back';
  if (task === 'resize_migrated' || task === 'resize_finish' || task === 'resize_reverting') return 'error';
  return null;
}

export async function recoverMove(c: ComputeContext, inst: Instance, how: Exclude<MoveRecovery, null>): Promise<void> {
  const ctx = inst.migration_context;
  const task = inst.task_state;
  if (ctx) await c.conductor.migration_update(ctx.migration_id, { status: 'error' }).catch(() => undefined);
  const at = new Date().toISOString();
  if (how === 'roll-back') {
    // The guest may be stopped with its files set aside: put them back, start it if it ran.
    const powerOn = !ctx || settledVmState(ctx) === 'active';
    await c.driver.finishRevertMigration(inst.uuid, powerOn).catch(async () => {
      if (powerOn) await c.driver.powerOn(inst.uuid).catch(() => undefined);
    });
    await c.conductor
      .instance_update(
        inst.uuid,
        {
          task_state: null,
          migration_context: null,
          fault: { code: 500, message: `nova-compute on ${c.host} stopped during the move (${task}): rolled back`, created: at },
        },
        { task_state: [task] },
      )
      .catch(() => undefined);
    return;
  }
  await c.conductor
    .instance_update(
      inst.uuid,
      {
        vm_state: 'error',
        task_state: null,
        fault: { code: 500, message: `nova-compute on ${c.host} stopped during the move (${task})`, created: at },
      },
      { task_state: [task] },
    )
    .catch(() => undefined);
}
