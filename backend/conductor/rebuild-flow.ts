// The conductor's rebuild with a new image (Nova's conductor rebuild_instance, not an
// evacuation): the scheduler checks the new image against the instance's own host — that host
// forced, only the filters that judge an image run, nothing claimed — and the host rebuilds.
// No valid host: the record names the image the guest still runs again, and the instance is
// in ERROR with the scheduler's reason as its fault, as Nova's _set_vm_state_and_notify leaves it.
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';
import { CHECK_TYPE_HINT } from '../../contract/scheduler.js';
import { messageText, msg } from '../../contract/messages.js';
import type { Instance } from '../../contract/model.js';
import type { BootImage } from '../rpc/compute-api.js';
import { currentContext } from '../bus/client.js';
import type { BuildFlowDeps } from './build-flow.js';

const EVENT = 'rebuild_server';

/** Pure: the request a rebuild's check sends, from the instance (on its new image) and its saved spec. */
export function rebuildCheckSpec(inst: Instance, saved: Pick<RequestSpec, 'scheduler_hints'> | undefined): RequestSpec {
  return {
    instance_uuid: inst.uuid,
    project_id: inst.project_id,
    num_instances: 1,
    flavor: inst.flavor,
    image: inst.image,
    availability_zone: null,
    force_host: inst.host,
    retry: { num_attempts: 1, hosts: [] },
    scheduler_hints: { ...(saved?.scheduler_hints ?? {}), [CHECK_TYPE_HINT]: ['rebuild'] },
    instance_group: null,
  };
}

export function rebuildFlow(deps: BuildFlowDeps): (uuid: string, orig: BootImage) => Promise<void> {
  return async (uuid, orig) => {
    const inst = await deps.records.instance_get(uuid);
    if (!inst || inst.task_state !== 'rebuilding' || !inst.host) return;
    const rid = currentContext()?.request_id ?? `req-${uuid}`;
    await deps.records.action_event_start(uuid, rid, EVENT, null).catch(() => undefined);
    let traces: ScheduleTrace[];
    try {
      traces = await deps.scheduler().select_destinations(rebuildCheckSpec(inst, deps.db.data.request_specs[uuid]), [uuid]);
    } catch (err) {
      // The scheduler never answered: the guest was not touched, so the rebuild just ends.
      const e = err as Error;
      deps.log.error(`rebuild of ${uuid}: the scheduler's check failed: ${e.message}`);
      await deps.records.instance_update(uuid, { task_state: null, ...orig }, { task_state: ['rebuilding'] }).catch(() => undefined);
      await deps.records.action_event_finish(uuid, rid, EVENT, 'Error', e.message).catch(() => undefined);
      return;
    }
    for (const t of traces) await deps.records.trace_save({ ...t, kind: 'rebuild' });
    const trace = traces.find((t) => t.instance_uuid === uuid);
    if (trace?.chosen) {
      await deps.records.action_event_finish(uuid, rid, EVENT, 'Success', `${inst.host} runs image ${inst.image.name}`);
      deps.compute(inst.host).cast.rebuild_instance(uuid, orig);
      return;
    }
    const said = trace?.error_message ?? msg('noValidHost.plain');
    const message = trace?.error ?? messageText(said);
    deps.log.warn(`rebuild of ${uuid} refused: ${message}`);
    await deps.records
      .instance_update(
        uuid,
        { vm_state: 'error', task_state: null, ...orig, fault: { code: 500, message, created: new Date().toISOString() } },
        { task_state: ['rebuilding'] },
      )
      .catch(() => undefined);
    await deps.records.action_event_finish(uuid, rid, EVENT, 'Error', message).catch(() => undefined);
    deps.publish?.({ kind: 'fault', summary: message, message: said, detail: { instance_uuid: uuid } });
  };
}
