// Power-state sync: a guest that stops behind Nova's back (killed, crashed, shut down from
// inside) is recorded as SHUTOFF with a "stop" instance action naming why; on start, guests
// the database thinks are running but whose process vanished are recorded the same way, and
// guests running with no instance behind them are removed.
import { PowerState } from '../../contract/model.js';
import { messageText, msg, raw, summaryOf, term, type LabMessage } from '../../contract/messages.js';
import { withContext } from '../bus/client.js';
import type { ComputeContext } from './compute-context.js';
import type { GuestExitInfo } from './driver.js';

/** `why` by code: the action's message and event details keep its English (the API's data). */
export async function recordGuestStopped(c: ComputeContext, uuid: string, said: LabMessage): Promise<void> {
  const why = messageText(said);
  const inst = await c.conductor.instance_get(uuid);
  if (!inst || inst.vm_state === 'deleted' || inst.task_state === 'deleting') return;
  if (inst.vm_state === 'rescued') {
    // As Nova's power-state sync: a rescued server stays RESCUE (unrescue boots its own disk);
    // only its power state says the rescue guest stopped.
    await c.conductor.instance_update(uuid, { power_state: PowerState.SHUTDOWN });
    return;
  }
  const requestId = `req-sync-${uuid.slice(0, 8)}-${Date.now()}`;
  const now = new Date().toISOString();
  // The sync acts for the instance's project: its members see these events, other projects do not.
  await withContext(
    {
      request_id: requestId,
      instance_uuid: uuid,
      project_id: inst.project_id,
      user_id: inst.user_id,
    },
    async () => {
      await c.conductor.action_start({
        action: 'stop',
        instance_uuid: uuid,
        request_id: requestId,
        user_id: inst.user_id,
        project_id: inst.project_id,
        start_time: now,
        message: why,
      });
      await c.conductor.action_event_start(uuid, requestId, 'compute_power_state_sync', c.host);
      await c.conductor.instance_update(uuid, {
        vm_state: 'stopped',
        power_state: PowerState.SHUTDOWN,
        task_state: null,
      });
      await c.conductor.action_event_finish(uuid, requestId, 'compute_power_state_sync', 'Success', why);
      c.publish({
        kind: 'service',
        ...summaryOf(msg('event.guestStopped', { name: inst.name, host: c.host, why: said, status: term('status', 'SHUTOFF') })),
        detail: { instance_uuid: uuid, why },
      });
    },
  );
}

export function describeExit(info: GuestExitInfo): LabMessage {
  return info.signal
    ? msg('powerSync.exitSignal', { reason: raw(info.reason), signal: raw(info.signal) })
    : msg('powerSync.exitCode', { reason: raw(info.reason), code: String(info.code) });
}

/** After a restart: guests that should be running but are not are recorded as stopped. */
export async function reconcileOnStart(c: ComputeContext): Promise<void> {
  const report = await c.driver.adopt();
  const running = new Set(await c.driver.listRunning());
  const mine = await c.conductor.instance_list({ host: c.host });
  for (const inst of mine) {
    const shouldRun = inst.vm_state === 'active' || inst.vm_state === 'paused' || inst.vm_state === 'rescued';
    if (shouldRun && !running.has(inst.uuid)) {
      const why = msg(report.vanished.includes(inst.uuid) ? 'powerSync.vanished' : 'powerSync.notFound');
      await recordGuestStopped(c, inst.uuid, why);
    }
  }
  // As Nova's running_deleted_instance_action = reap: a guest whose instance is deleted (or
  // not this host's) would run unaccounted; stop it.
  for (const uuid of strayGuests([...running], mine)) {
    c.log.warn(`guest ${uuid} runs but its instance is not on ${c.host} (deleted?): stopping and removing it`);
    await c.driver.destroy(uuid).catch((e: Error) => c.log.error(`could not remove stray guest ${uuid}: ${e.message}`));
  }
  if (report.adopted.length) c.log.info(`re-adopted ${report.adopted.length} running guest(s): ${report.adopted.join(', ')}`);
}

/** Pure: running guests with no live instance of this host. */
export function strayGuests(running: string[], mine: { uuid: string }[]): string[] {
  const known = new Set(mine.map((i) => i.uuid));
  return running.filter((u) => !known.has(u));
}
