// The conductor's half of the boot flow (course steps 6–8): ask the scheduler for a host
// (rpc.call), record the decision, then rpc.cast the build to that host's nova-compute.
// A host whose spawn fails casts back `reschedule`; after scheduler_max_attempts hosts the
// instance goes to ERROR with a fault that names every attempt.
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { SchedulerApi } from '../rpc/scheduler-api.js';
import type { ComputeApi } from '../rpc/compute-api.js';
import type { LabApi } from '../rpc/lab-api.js';
import type { RequestSpec } from '../../contract/scheduler.js';
import type { RecordsApi } from './records.js';
import type { NovaDb } from './nova-db.js';
import type { Logger } from '../common/log.js';
import { withContext } from '../bus/client.js';

export interface BuildFlowDeps {
  db: NovaDb;
  records: RecordsApi;
  scheduler: () => SchedulerApi;
  compute: (host: string) => { cast: { [K in keyof ComputeApi]: (...a: Parameters<ComputeApi[K]>) => void } };
  lab: () => LabApi;
  maxAttempts: () => number;
  log: Logger;
}

const SCHEDULE_EVENT = 'conductor_schedule_and_build_instances';

export function buildFlowApi(deps: BuildFlowDeps): Pick<ConductorApi, 'build_instances' | 'reschedule'> {
  const failures = new Map<string, string[]>();

  async function fail(uuid: string, requestId: string, message: string, details: string | null): Promise<void> {
    await deps.records.instance_update(uuid, {
      vm_state: 'error',
      task_state: null,
      host: null,
      node: null,
      fault: { code: 500, message, details: details ?? undefined, created: new Date().toISOString() },
    });
    await deps.records.action_event_finish(uuid, requestId, SCHEDULE_EVENT, 'Error', message);
  }

  async function scheduleAndBuild(uuid: string, given: RequestSpec): Promise<void> {
    const inst = await deps.records.instance_get(uuid);
    if (!inst) return;
    // Where the group's other members are now (Nova's _populate_group_info), at every attempt.
    const spec: RequestSpec = { ...given, instance_group: await deps.records.instance_group_spec(uuid) };
    const requestId = inst.create_request_id;
    await withContext({ instance_uuid: uuid, request_id: requestId, project_id: inst.project_id, user_id: inst.user_id }, async () => {
      await deps.records.action_event_start(uuid, requestId, SCHEDULE_EVENT, null);
      await deps.lab().step({
        step: 'scheduler.call',
        summary: `rpc.call scheduler.select_destinations for ${inst.name} (attempt ${spec.retry.num_attempts})`,
        detail: { topic: 'scheduler', method: 'select_destinations', request_spec: spec },
      });
      const trace = await deps.scheduler().select_destinations(spec);
      await deps.records.trace_save(trace);
      if (!trace.chosen) {
        const tried = failures.get(uuid);
        const message = tried?.length
          ? `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${uuid}. ${tried.join('; ')}; then: ${trace.error}`
          : (trace.error ?? 'No valid host was found.');
        await fail(uuid, requestId, message, JSON.stringify({ emptied_by: trace.emptied_by }));
        return;
      }
      const placed = await deps.records.instance_get(uuid);
      if (!placed) return;
      await deps.lab().step({
        step: 'compute.cast',
        summary: `rpc.cast compute.${trace.chosen}.build_and_run_instance for ${inst.name}`,
        detail: { topic: `compute.${trace.chosen}`, method: 'build_and_run_instance', host: trace.chosen },
      });
      await deps.records.action_event_finish(uuid, requestId, SCHEDULE_EVENT, 'Success', `scheduled to ${trace.chosen}`);
      deps.compute(trace.chosen).cast.build_and_run_instance(placed);
    });
  }

  const guarded = (uuid: string, spec: RequestSpec) =>
    scheduleAndBuild(uuid, spec).catch(async (err: Error) => {
      deps.log.error(`scheduling ${uuid} failed: ${err.message}`);
      const inst = await deps.records.instance_get(uuid).catch(() => null);
      if (inst) await fail(uuid, inst.create_request_id, `Build of instance ${uuid} failed: ${err.message}`, null).catch(() => undefined);
    });

  return {
    async build_instances(uuids, base) {
      await Promise.all(
        uuids.map(async (uuid) => {
          const spec: RequestSpec = { ...base, instance_uuid: uuid, retry: { num_attempts: 1, hosts: [] } };
          await deps.db.mutate((d) => {
            d.request_specs[uuid] = spec;
          });
          await guarded(uuid, spec);
        }),
      );
    },

    async reschedule(uuid, failedHost, reason) {
      const spec = deps.db.data.request_specs[uuid];
      const inst = await deps.records.instance_get(uuid);
      if (!spec || !inst) return;
      const tried = [...(failures.get(uuid) ?? []), `attempt ${spec.retry.num_attempts} on ${failedHost}: ${reason}`];
      failures.set(uuid, tried);
      const next: RequestSpec = { ...spec, retry: { num_attempts: spec.retry.num_attempts + 1, hosts: [...spec.retry.hosts, failedHost] } };
      await deps.db.mutate((d) => {
        d.request_specs[uuid] = next;
        // A rescheduled build is a failed build of that host (Nova's _build_failed).
        const counts = (d.failed_builds ??= {});
        counts[failedHost] = (counts[failedHost] ?? 0) + 1;
      });
      await deps.records.instance_update(uuid, { host: null, node: null, task_state: 'scheduling' });
      if (spec.retry.num_attempts >= deps.maxAttempts()) {
        await fail(
          uuid,
          inst.create_request_id,
          `Exceeded maximum number of retries. Exceeded max scheduling attempts ${deps.maxAttempts()} for instance ${uuid}. ${tried.join('; ')}`,
          null,
        );
        return;
      }
      await guarded(uuid, next);
    },
  };
}
