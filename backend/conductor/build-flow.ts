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
import { BUILD_TASK_STATES } from '../../contract/model.js';
import { messageText, msg, type LabMessage } from '../../contract/messages.js';
import type { PublishedEvent } from '../bus/wire.js';

export interface BuildFlowDeps {
  db: NovaDb;
  records: RecordsApi;
  scheduler: () => SchedulerApi;
  compute: (host: string) => {
    cast: {
      [K in keyof ComputeApi]: (...a: Parameters<ComputeApi[K]>) => void;
    };
  };
  lab: () => LabApi;
  maxAttempts: () => number;
  log: Logger;
  /** Observable events (an instance's fault by code, for the GUI). */
  publish?: (e: PublishedEvent) => void;
}

const SCHEDULE_EVENT = 'conductor_schedule_and_build_instances';

/** The build API plus what recovery needs: the builds this process is scheduling now. */
export interface BuildFlow extends Pick<ConductorApi, 'build_instances' | 'reschedule'> {
  scheduling: ReadonlySet<string>;
  /** Schedule an instance again with its saved spec (its old scheduling died with a process). */
  resume(uuid: string, spec: RequestSpec): Promise<void>;
  /** Cast the build to the host it was placed on again (nova-compute ignores one it runs). */
  recast(uuid: string, host: string): Promise<void>;
}

/** A select_destinations call lost with a restarting scheduler is asked again, this many times. */
const SCHEDULER_TRIES = 5;

export function buildFlowApi(deps: BuildFlowDeps): BuildFlow {
  const failures = new Map<string, string[]>();
  const scheduling = new Set<string>();

  /** The scheduler killed mid-call answers ServiceUnavailable: ask its next incarnation. */
  async function selectDestinations(spec: RequestSpec, uuids: string[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.scheduler().select_destinations(spec, uuids);
      } catch (err) {
        const retryable = (err as { retryable?: boolean }).retryable === true && (err as Error).name === 'ServiceUnavailable';
        if (!retryable || attempt >= SCHEDULER_TRIES) throw err;
        deps.log.warn(`select_destinations for ${spec.instance_uuid} failed (${(err as Error).message}); asking again`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async function fail(uuid: string, requestId: string, message: string, details: string | null, said?: LabMessage): Promise<void> {
    // Not over a delete that came meanwhile (task_state deleting): that one finishes it.
    await deps.records.instance_update(
      uuid,
      {
        vm_state: 'error',
        task_state: null,
        host: null,
        node: null,
        fault: {
          code: 500,
          message,
          details: details ?? undefined,
          created: new Date().toISOString(),
        },
      },
      { vm_state: ['building'], task_state: [...BUILD_TASK_STATES] },
    );
    await deps.records.action_event_finish(uuid, requestId, SCHEDULE_EVENT, 'Error', message);
    // The API keeps Nova's English fault; the GUI renders the same fault from its code.
    if (said) deps.publish?.({ kind: 'fault', summary: message, message: said, detail: { instance_uuid: uuid } });
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
      const attempt = spec.retry.num_attempts;
      const said =
        insts.length > 1
          ? msg('step.schedulerCallMany', { count: insts.length, names: insts.map((i) => i.name).join(', '), attempt })
          : msg('step.schedulerCall', { names: first.name, attempt });
      await deps.lab().step({
        step: 'scheduler.call',
        summary: messageText(said),
        message: said,
        detail: { topic: 'scheduler', method: 'select_destinations', request_spec: spec, instance_uuids: live },
      });
      return selectDestinations(spec, live);
    });
    for (const t of traces) await deps.records.trace_save(t);
    const failed = traces.find((t) => !t.chosen) ?? (traces.length < live.length ? traces[traces.length - 1] : undefined);
    if (failed || traces.length < live.length) {
      const tried = live.length === 1 ? failures.get(first.uuid) : undefined;
      const error = failed?.error ?? messageText(msg('noValidHost.plain'));
      // The fault by code: the scheduler's own when it gave one (its text is `error`).
      const scheduled = failed?.error ? (failed.error_message ?? undefined) : msg('noValidHost.plain');
      const retries = tried?.length
        ? msg('fault.retriesExceeded', { uuid: first.uuid, tried: tried.join('; '), error: failed?.error_message ?? error })
        : null;
      const message = retries ? messageText(retries) : error;
      const said = retries ?? scheduled;
      const details = JSON.stringify({ emptied_by: failed?.emptied_by ?? null });
      for (const i of insts) await withContext(ctxOf(i), () => fail(i.uuid, requestId, message, details, said));
      return;
    }
    for (const [k, i] of insts.entries()) {
      const chosen = traces[k]!.chosen!;
      await withContext(ctxOf(i), async () => {
        const placed = await deps.records.instance_get(i.uuid);
        if (!placed) return;
        const said = msg('step.computeCast', { host: chosen, name: i.name });
        await deps.lab().step({
          step: 'compute.cast',
          summary: messageText(said),
          message: said,
          detail: { topic: `compute.${chosen}`, method: 'build_and_run_instance', host: chosen },
        });
        await deps.records.action_event_finish(i.uuid, requestId, SCHEDULE_EVENT, 'Success', `scheduled to ${chosen}`);
        deps.compute(chosen).cast.build_and_run_instance(placed);
      });
    }
  }

  // One scheduling per instance at a time: a build cast held by the bus while this conductor
  // was down may arrive after recovery already resumed that build.
  const guarded = async (given: string[], spec: RequestSpec) => {
    const uuids = given.filter((u) => !scheduling.has(u));
    if (uuids.length === 0) return;
    for (const u of uuids) scheduling.add(u);
    try {
      await scheduleAndBuild(uuids, spec).catch(async (err: Error) => {
        deps.log.error(`scheduling ${uuids.join(', ')} failed: ${err.message}`);
        for (const uuid of uuids) {
          const inst = await deps.records.instance_get(uuid).catch(() => null);
          if (inst)
            await fail(uuid, inst.create_request_id, `Build of instance ${uuid} failed: ${err.message}`, null).catch(() => undefined);
        }
      });
    } finally {
      for (const u of uuids) scheduling.delete(u);
    }
  };

  return {
    scheduling,
    resume: (uuid, spec) => guarded([uuid], spec),
    async recast(uuid, host) {
      const inst = await deps.records.instance_get(uuid);
      if (!inst || inst.host !== host || inst.vm_state !== 'building') return;
      deps.compute(host).cast.build_and_run_instance(inst);
    },
    async build_instances(uuids, base) {
      // Only builds not yet begun (a duplicate cast finds them placed, or being scheduled).
      const fresh: string[] = [];
      for (const uuid of uuids) {
        const inst = await deps.records.instance_get(uuid);
        if (inst && inst.vm_state === 'building' && inst.host === null && !scheduling.has(uuid)) fresh.push(uuid);
      }
      if (fresh.length === 0) return;
      await deps.db.mutate((d) => {
        for (const uuid of fresh) d.request_specs[uuid] = { ...base, instance_uuid: uuid, retry: { num_attempts: 1, hosts: [] } };
      });
      await guarded(fresh, { ...base, instance_uuid: fresh[0]!, retry: { num_attempts: 1, hosts: [] } });
    },

    async reschedule(uuid, failedHost, reason) {
      const spec = deps.db.data.request_specs[uuid];
      const inst = await deps.records.instance_get(uuid);
      if (!spec || !inst) return;
      const tried = [...(failures.get(uuid) ?? []), `attempt ${spec.retry.num_attempts} on ${failedHost}: ${reason}`];
      failures.set(uuid, tried);
      const next: RequestSpec = {
        ...spec,
        retry: {
          num_attempts: spec.retry.num_attempts + 1,
          hosts: [...spec.retry.hosts, failedHost],
        },
      };
      await deps.db.mutate((d) => {
        d.request_specs[uuid] = next;
        // A rescheduled build is a failed build of that host (Nova's _build_failed).
        const counts = (d.failed_builds ??= {});
        counts[failedHost] = (counts[failedHost] ?? 0) + 1;
      });
      // A server deleted while its build failed is not brought back to scheduling.
      const back = await deps.records
        .instance_update(
          uuid,
          { host: null, node: null, task_state: 'scheduling' },
          { vm_state: ['building'], task_state: [...BUILD_TASK_STATES] },
        )
        .catch(() => null);
      if (!back) return;
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
