// Rebuild, rescue and unrescue on the instance's host, as Nova's compute manager does them.
//
// Rebuild (rebuild_instance): the guest is destroyed and started again from the instance's
// image — a new one if the user named one, which the conductor had the scheduler check against
// this host first — on a fresh disk; its name, network and flavor stay. The image is fetched
// and checked against the flavor *before* the guest is touched, so a bad image leaves the guest
// as it was; a failure after the guest is gone puts the instance in ERROR with the reason, as
// Nova's. A server rebuilt while SHUTOFF is stopped again afterwards (Nova's "bringing vm to
// original state").
//
// Rescue (rescue_instance): the driver boots the rescue image with the guest's own disk as
// the second disk; RESCUE until unrescue, which boots the own disk again (ACTIVE).
import type { Instance } from '../../contract/model.js';
import type { BootImage } from '../rpc/compute-api.js';
import { PowerState } from '../../contract/model.js';
import { currentContext } from '../bus/client.js';
import { rootDiskTooSmall } from '../shared/flavor-disk.js';
import { deletedMeanwhile, fetchImages, guestSpec } from './build-instance.js';
import type { ComputeContext } from './compute-context.js';
import { GuestNotFoundError, type SpawnPhase } from './driver.js';
import { spawnProgress } from './progress-message.js';
import { msg, summaryOf } from '../../contract/messages.js';
import { allocateNetwork } from './host-inventory.js';

const REBUILD_EVENT = 'compute_rebuild_instance';
const RESCUE_EVENT = 'compute_rescue_instance';
const UNRESCUE_EVENT = 'compute_unrescue_instance';

const requestId = (uuid: string) => currentContext()?.request_id ?? `req-${uuid}`;

/** The instance's network: the one its build got (same MAC and IP after a rebuild). */
function network(inst: Instance): { mac: string; ip: string } {
  const a = inst.addresses[0];
  return a ? { mac: a.mac, ip: a.ip } : allocateNetwork(inst.uuid, inst.seq);
}

const progress = (c: ComputeContext, inst: Instance) => (p: { phase: SpawnPhase; detail: string }) =>
  c.publish({ kind: 'progress', ...spawnProgress(inst.name, p), detail: p });

export async function rebuildInstance(c: ComputeContext, uuid: string, orig?: BootImage): Promise<void> {
  const inst = await c.conductor.instance_get(uuid);
  if (!inst || inst.host !== c.host || inst.task_state !== 'rebuilding') return;
  const rid = requestId(uuid);
  const wasStopped = inst.vm_state === 'stopped';
  await c.conductor.action_event_start(uuid, rid, REBUILD_EVENT, c.host).catch(() => undefined);
  let guestGone = false;
  try {
    await c.conductor.instance_update(uuid, { task_state: 'rebuild_block_device_mapping' }, { task_state: ['rebuilding'] });
    const { image, virtualSize } = await fetchImages(c, inst);
    const tooSmall = rootDiskTooSmall(inst.flavor.disk, virtualSize);
    if (tooSmall) throw new Error(tooSmall);
    await c.conductor.instance_update(uuid, { task_state: 'rebuild_spawning' }, { task_state: ['rebuild_block_device_mapping'] });
    guestGone = true;
    await c.driver.destroy(uuid).catch((err: Error) => {
      if (!(err instanceof GuestNotFoundError)) throw err;
    });
    // The old display is gone with the guest: its console tokens lead nowhere now.
    c.deleteConsoleTokensCast(uuid);
    const handle = await c.driver.spawn(guestSpec(c, inst, image, network(inst)), progress(c, inst));
    c.publish({
      kind: 'step',
      step: 'compute.driver',
      ...summaryOf(
        handle.pid
          ? msg('step.computeRebuilt', { name: inst.name, image: inst.image.name, pid: handle.pid })
          : msg('step.computeRebuiltNoProcess', { name: inst.name, image: inst.image.name, driver: c.driver.name }),
      ),
      detail: { pid: handle.pid, command: handle.command },
    });
    await c.conductor.instance_update(
      uuid,
      {
        vm_state: 'active',
        task_state: wasStopped ? 'powering-off' : null,
        power_state: PowerState.RUNNING,
        launched_at: new Date().toISOString(),
      },
      { task_state: ['rebuild_spawning'] },
    );
    if (wasStopped) {
      await c.driver.powerOff(uuid);
      await c.conductor.instance_update(uuid, { vm_state: 'stopped', task_state: null, power_state: PowerState.SHUTDOWN });
    }
    await c.conductor.action_event_finish(uuid, rid, REBUILD_EVENT, 'Success');
  } catch (err) {
    const e = err as Error;
    if (deletedMeanwhile(e)) {
      await c.driver.destroy(uuid).catch(() => undefined);
      await c.conductor
        .action_event_finish(uuid, rid, REBUILD_EVENT, 'Error', 'the instance was deleted during its rebuild')
        .catch(() => undefined);
      return;
    }
    c.log.error(`rebuild of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, REBUILD_EVENT, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    const patch = guestGone
      ? {
          vm_state: 'error' as const,
          task_state: null,
          power_state: PowerState.NOSTATE,
          fault: { code: 500, message: `Rebuild of instance ${uuid} failed on ${c.host}: ${e.message}`, created: new Date().toISOString() },
        }
      : { task_state: null, ...(orig ?? {}) }; // the guest was not touched: it stays as it was, on its image
    await c.conductor.instance_update(uuid, patch).catch(() => undefined);
  }
}

export async function rescueInstance(c: ComputeContext, uuid: string, rescue: BootImage): Promise<void> {
  const inst = await c.conductor.instance_get(uuid);
  if (!inst || inst.host !== c.host || inst.task_state !== 'rescuing') return;
  const rid = requestId(uuid);
  await c.conductor.action_event_start(uuid, rid, RESCUE_EVENT, c.host).catch(() => undefined);
  try {
    const { image } = await fetchImages(c, { ...inst, ...rescue });
    await c.driver.rescue(uuid, image);
    await c.conductor.instance_update(
      uuid,
      { vm_state: 'rescued', task_state: null, power_state: PowerState.RUNNING, launched_at: new Date().toISOString() },
      { task_state: ['rescuing'] },
    );
    await c.conductor.action_event_finish(uuid, rid, RESCUE_EVENT, 'Success', `rescue image ${rescue.image.name}`);
  } catch (err) {
    const e = err as Error;
    c.log.error(`rescue of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, RESCUE_EVENT, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    // The driver undid its part (the guest runs on its own disk as before): only the task ends.
    await c.conductor.instance_update(uuid, { task_state: null }, { task_state: ['rescuing'] }).catch(() => undefined);
  }
}

export async function unrescueInstance(c: ComputeContext, uuid: string): Promise<void> {
  const inst = await c.conductor.instance_get(uuid);
  if (!inst || inst.host !== c.host || inst.task_state !== 'unrescuing') return;
  const rid = requestId(uuid);
  await c.conductor.action_event_start(uuid, rid, UNRESCUE_EVENT, c.host).catch(() => undefined);
  try {
    await c.driver.unrescue(uuid);
    await c.conductor.instance_update(
      uuid,
      { vm_state: 'active', task_state: null, power_state: PowerState.RUNNING },
      { task_state: ['unrescuing'] },
    );
    await c.conductor.action_event_finish(uuid, rid, UNRESCUE_EVENT, 'Success');
  } catch (err) {
    const e = err as Error;
    c.log.error(`unrescue of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, UNRESCUE_EVENT, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    await c.conductor.instance_update(uuid, { task_state: null }, { task_state: ['unrescuing'] }).catch(() => undefined);
  }
}
