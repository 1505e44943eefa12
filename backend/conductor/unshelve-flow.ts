// The conductor's unshelve (Nova's conductor unshelve_instance): a SHELVED instance still has
// its host, which powers it on; a SHELVED_OFFLOADED one is scheduled again like a build (the
// scheduler filters, weighs, claims and its explanation is saved), then the chosen host boots
// it from its shelve image. No valid host leaves it offloaded, without a task, as in Nova.
import type { RequestSpec } from '../../contract/scheduler.js';
import { currentContext } from '../bus/client.js';
import type { BuildFlowDeps } from './build-flow.js';

const EVENT = 'conductor_unshelve_instance';

export function unshelveFlow(deps: BuildFlowDeps): (uuid: string, zone?: string | null) => Promise<void> {
  return async (uuid, zone = null) => {
    const inst = await deps.records.instance_get(uuid);
    if (!inst || inst.task_state !== 'unshelving') return;
    if (inst.vm_state === 'shelved' && inst.host) {
      deps.compute(inst.host).cast.unshelve_instance(uuid);
      return;
    }
    if (inst.vm_state !== 'shelved_offloaded') return;
    const rid = currentContext()?.request_id ?? `req-${uuid}`;
    await deps.records.action_event_start(uuid, rid, EVENT, null).catch(() => undefined);
    const saved = deps.db.data.request_specs[uuid];
    const spec: RequestSpec = {
      instance_uuid: uuid,
      project_id: inst.project_id,
      num_instances: 1,
      flavor: inst.flavor,
      image: inst.image,
      availability_zone: zone ?? saved?.availability_zone ?? inst.requested_az,
      // A forced host of the first boot is not forced again (Nova's reset_forced_destinations).
      force_host: null,
      retry: { num_attempts: 1, hosts: [] },
      scheduler_hints: saved?.scheduler_hints ?? {},
      instance_group: await deps.records.instance_group_spec(uuid),
    };
    try {
      const traces = await deps.scheduler().select_destinations(spec, [uuid]);
      // Marked so the scheduler view and the walkthrough tell it from the first boot.
      for (const t of traces) await deps.records.trace_save({ ...t, kind: 'unshelve' });
      const chosen = traces.find((t) => t.instance_uuid === uuid)?.chosen ?? null;
      if (!chosen) {
        const why = traces[traces.length - 1]?.error ?? 'No valid host was found.';
        deps.log.warn(`no valid host to unshelve ${uuid}: ${why}`);
        await deps.records.instance_update(uuid, { task_state: null }, { task_state: ['unshelving'] });
        await deps.records.action_event_finish(uuid, rid, EVENT, 'Error', why);
        return;
      }
      if (zone) await deps.records.instance_update(uuid, { requested_az: zone });
      await deps.records.action_event_finish(uuid, rid, EVENT, 'Success', `scheduled to ${chosen}`);
      deps.compute(chosen).cast.unshelve_instance(uuid);
    } catch (err) {
      const e = err as Error;
      deps.log.error(`unshelve of ${uuid} failed: ${e.message}`);
      await deps.records
        .instance_update(uuid, { task_state: null, host: null, node: null }, { task_state: ['unshelving'] })
        .catch(() => undefined);
      await deps.records.action_event_finish(uuid, rid, EVENT, 'Error', e.message).catch(() => undefined);
    }
  };
}
