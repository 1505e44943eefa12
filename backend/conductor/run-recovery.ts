// Carry out what recovery.ts decided, recording each step as an instance fault or action so
// the learner sees why an instance moved.
import type { Logger } from '../common/log.js';
import type { NovaDb } from './nova-db.js';
import type { RecordsApi } from './records.js';
import type { BuildFlow } from './build-flow.js';
import { conductorRecoveries, type RecoveryClock } from './recovery.js';

export async function runRecovery(db: NovaDb, records: RecordsApi, flow: BuildFlow, log: Logger, clock: RecoveryClock): Promise<void> {
  // A pure decision over every instance: the plain document (no write tracking to pay for).
  const todo = conductorRecoveries(db.plain.instances, db.plain.request_specs, flow.scheduling, clock);
  for (const r of todo) {
    switch (r.action) {
      case 'reschedule':
        log.warn(`instance ${r.uuid} was being scheduled when nova-conductor stopped: scheduling it again`);
        void flow.resume(r.uuid, r.spec);
        break;
      case 'recast':
        log.warn(`instance ${r.uuid} was placed on ${r.host} when nova-conductor stopped: casting its build again`);
        await flow.recast(r.uuid, r.host);
        break;
      case 'error':
        log.warn(`instance ${r.uuid}: ${r.why}; ERROR`);
        await records
          .instance_update(
            r.uuid,
            {
              vm_state: 'error',
              task_state: null,
              fault: {
                code: 500,
                message: `Build of instance ${r.uuid} aborted: ${r.why}`,
                created: new Date().toISOString(),
              },
            },
            { vm_state: ['building'], task_state: ['scheduling', null] },
          )
          .catch(() => undefined);
        break;
      case 'clear-task':
        log.warn(`instance ${r.uuid}: its unshelve was lost with a process that stopped; it stays offloaded`);
        await records
          .instance_update(r.uuid, { task_state: null }, { vm_state: ['shelved_offloaded'], task_state: ['unshelving'] })
          .catch(() => undefined);
        break;
      case 'destroy':
        log.warn(`instance ${r.uuid}: finishing the delete nova-api began`);
        await records.instance_destroy(r.uuid);
        break;
    }
  }
}
