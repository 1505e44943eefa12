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
  async function selectDestinations(spec: RequestSpec) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.scheduler().select_destinations(spec);
      } catch (err) {
        const retryable = (err as { retryable?: boolean }).retryable === true && (err as Error).name === 'ServiceUnavailable';
        if (!retryable || attempt >= SCHEDULER_TRIES) throw err;
        deps.log.warn(`select_destinations for ${spec.instance_uuid} failed (${(err as Error).message}); asking again`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async function fail(uuid: string, requestId: string, message: string, details: string | null): Promise<void> {
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
  }

  async function scheduleAndBuild(uuid: string, given: RequestSpec): Promise<void> {
    const inst = await deps.records.instance_get(uuid);
    if (!inst) return;
    // Where the group's other members are now (Nova's _populate_group_info), at every attempt.
    const spec: RequestSpec = {
      ...given,
      instance_group: await deps.records.instance_group_spec(uuid),
    };
    const requestId = inst.create_request_id;
    await withContext(
      {
        instance_uuid: uuid,
        request_id: requestId,
        project_id: inst.project_id,
        user_id: inst.user_id,
      },
      async () => {
        await deps.records.action_event_start(uuid, requestId, SCHEDULE_EVENT, null);
        await deps.lab().step({
          step: 'scheduler.call',
          summary: `rpc.call scheduler.select_destinations for ${inst.name} (attempt ${spec.retry.num_attempts})`,
          detail: {
            topic: 'scheduler',
            method: 'select_destinations',
            request_spec: spec,
          },
        });
        const trace = await selectDestinations(spec);
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
          detail: {
            topic: `compute.${trace.chosen}`,
            method: 'build_and_run_instance',
            host: trace.chosen,
          },
        });
        await deps.records.action_event_finish(uuid, requestId, SCHEDULE_EVENT, 'Success', `scheduled to ${trace.chosen}`);
        deps.compute(trace.chosen).cast.build_and_run_instance(placed);
      },
    );
  }

  // One scheduling per instance at a time: a build cast held by the bus while this conductor
  // was down may arrive after recovery already resumed that build.
  const guarded = async (uuid: string, spec: RequestSpec) => {
    if (scheduling.has(uuid)) return;
    scheduling.add(uuid);
    try {
      await scheduleAndBuild(uuid, spec).catch(async (err: Error) => {
        deps.log.error(`scheduling ${uuid} failed: ${err.message}`);
        const inst = await deps.records.instance_get(uuid).catch(() => null);
        if (inst) await fail(uuid, inst.create_request_id, `Build of instance ${uuid} failed: ${err.message}`, null).catch(() => undefined);
      });
    } finally {
      scheduling.delete(uuid);
    }
  };

  return {
    scheduling,
    resume: (uuid, spec) => guarded(uuid, spec),
    async recast(uuid, host) {
      const inst = await deps.records.instance_get(uuid);
      if (!inst || inst.host !== host || inst.vm_state !== 'building') return;
      deps.compute(host).cast.build_and_run_instance(inst);
    },
    async build_instances(uuids, base) {
      await Promise.all(
        uuids.map(async (uuid) => {
          // Only a build not yet begun (a duplicate cast finds it placed, or being scheduled).
          const inst = await deps.records.instance_get(uuid);
          if (!inst || inst.vm_state !== 'building' || inst.host !== null || scheduling.has(uuid)) return;
          const spec: RequestSpec = {
            ...base,
            instance_uuid: uuid,
            retry: { num_attempts: 1, hosts: [] },
          };
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
      const next: RequestSpec = {
        ...spec,
        retry: {
          num_attempts: spec.retry.num_attempts + 1,
          hosts: [...spec.retry.hosts, failedHost],
        },
      };
      await deps.db.mutate((d) => {
        d.request_specs[uuid] = next;
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
      await guarded(uuid, next);
    },
  };
}
