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

  /**
   * Schedule the instances of one request together (Nova's conductor: one
   * select_destinations for all of them), then cast each build. All or nothing: if the
   * scheduler cannot place every instance, each one goes to ERROR with the NoValidHost fault
   * and none keeps a host.
   */
  async function scheduleAndBuild(uuids: string[], given: RequestSpec): Promise<void> {
    const insts = (await Promise.all(uuids.map((u) => deps.records.instance_get(u)))).filter((i) => i !== null);
    const first = insts[0];
    if (!first) return;
    const live = insts.map((i) => i.uuid);
    // Where the group's other members are now (Nova's _populate_group_info), at every attempt.
    const spec: RequestSpec = { ...given, instance_uuid: first.uuid, instance_group: await deps.records.instance_group_spec(first.uuid) };
    const requestId = first.create_request_id;
    const ctxOf = (i: (typeof insts)[number]) => ({
      instance_uuid: i.uuid,
      request_id: requestId,
      project_id: i.project_id,
      user_id: i.user_id,
    });
    for (const i of insts) await withContext(ctxOf(i), () => deps.records.action_event_start(i.uuid, requestId, SCHEDULE_EVENT, null));
    const traces = await withContext(ctxOf(first), async () => {
      const names = insts.length > 1 ? `${insts.length} instances (${insts.map((i) => i.name).join(', ')})` : first.name;
      await deps.lab().step({
        step: 'scheduler.call',
        summary: `rpc.call scheduler.select_destinations for ${names} (attempt ${spec.retry.num_attempts})`,
        detail: { topic: 'scheduler', method: 'select_destinations', request_spec: spec, instance_uuids: live },
      });
      return deps.scheduler().select_destinations(spec, live);
    });
    for (const t of traces) await deps.records.trace_save(t);
    const failed = traces.find((t) => !t.chosen) ?? (traces.length < live.length ? traces[traces.length - 1] : undefined);
    if (failed || traces.length < live.length) {
      const tried = live.length === 1 ? failures.get(first.uuid) : undefined;
      const error = failed?.error ?? 'No valid host was found. There are not enough hosts available.';
      const message = tried?.length
        ? `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${first.uuid}. ${tried.join('; ')}; then: ${error}`
        : error;
      const details = JSON.stringify({ emptied_by: failed?.emptied_by ?? null });
      for (const i of insts) await withContext(ctxOf(i), () => fail(i.uuid, requestId, message, details));
      return;
    }
    for (const [k, i] of insts.entries()) {
      const chosen = traces[k]!.chosen!;
      await withContext(ctxOf(i), async () => {
        const placed = await deps.records.instance_get(i.uuid);
        if (!placed) return;
        await deps.lab().step({
          step: 'compute.cast',
          summary: `rpc.cast compute.${chosen}.build_and_run_instance for ${i.name}`,
          detail: { topic: `compute.${chosen}`, method: 'build_and_run_instance', host: chosen },
        });
        await deps.records.action_event_finish(i.uuid, requestId, SCHEDULE_EVENT, 'Success', `scheduled to ${chosen}`);
        deps.compute(chosen).cast.build_and_run_instance(placed);
      });
    }
  }

  const guarded = (uuids: string[], spec: RequestSpec) =>
    scheduleAndBuild(uuids, spec).catch(async (err: Error) => {
      deps.log.error(`scheduling ${uuids.join(', ')} failed: ${err.message}`);
      for (const uuid of uuids) {
        const inst = await deps.records.instance_get(uuid).catch(() => null);
        if (inst) await fail(uuid, inst.create_request_id, `Build of instance ${uuid} failed: ${err.message}`, null).catch(() => undefined);
      }
    });

  return {
    async build_instances(uuids, base) {
      if (uuids.length === 0) return;
      await deps.db.mutate((d) => {
        for (const uuid of uuids) d.request_specs[uuid] = { ...base, instance_uuid: uuid, retry: { num_attempts: 1, hosts: [] } };
      });
      await guarded(uuids, { ...base, instance_uuid: uuids[0]!, retry: { num_attempts: 1, hosts: [] } });
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
      await guarded([uuid], next);
    },
  };
}
