// Shelve, offload and unshelve on a compute host, as Nova's compute manager does them:
// shelve powers the guest off, snapshots its disk into the "<name>-shelved" image and leaves
// it SHELVED on this host; offload (at once when shelved_offload_time is 0) destroys the guest
// and frees the host (SHELVED_OFFLOADED, no host). Unshelve powers a SHELVED guest on again,
// or boots an offloaded one, placed here by the scheduler, from its shelve image; either way
// the shelve image is deleted afterwards.
import type { Instance } from '../../contract/model.js';
import { PowerState } from '../../contract/model.js';
import { currentContext } from '../bus/client.js';
import { instanceName } from '../shared/instance-name.js';
import { rootDiskTooSmall } from '../shared/flavor-disk.js';
import type { ComputeContext } from './compute-context.js';
import { GuestNotFoundError, type GuestSpec } from './driver.js';
import { fetchImages, guestArch } from './build-instance.js';
import { allocateNetwork } from './host-inventory.js';
import { copyAndUpload, SHELVE_STATES } from './snapshot.js';

const ridOf = (uuid: string) => currentContext()?.request_id ?? `req-${uuid}`;

/** The shelve bookkeeping cleared once the instance is back (Nova's system_metadata keys). */
const UNSHELVED = { shelved_image_id: null, shelved_at: null, shelved_host: null } as const;

export async function shelveInstance(c: ComputeContext, uuid: string, imageId: string, offload: (uuid: string) => void): Promise<void> {
  const rid = ridOf(uuid);
  const event = 'compute_shelve_instance';
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  try {
    await c.driver.powerOff(uuid);
    await copyAndUpload(c, uuid, imageId, 'shelving', SHELVE_STATES);
    const now = c.shelvedOffloadTime === 0;
    await c.conductor.instance_update(
      uuid,
      {
        vm_state: 'shelved',
        task_state: now ? 'shelving_offloading' : null,
        power_state: PowerState.SHUTDOWN,
        shelved_image_id: imageId,
        shelved_at: new Date().toISOString(),
        shelved_host: c.host,
      },
      { task_state: [SHELVE_STATES.uploading] },
    );
    await c.conductor.action_event_finish(uuid, rid, event, 'Success', `shelved into image ${imageId}`);
    if (now) await shelveOffloadInstance(c, uuid);
    else if (c.shelvedOffloadTime > 0) offload(uuid);
  } catch (err) {
    const e = err as Error;
    c.log.error(`shelve of ${uuid} failed: ${e.message}`);
    await c.glance.delete(imageId).catch(() => undefined);
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    await c.conductor
      .instance_update(uuid, { task_state: null }, { task_state: ['shelving', ...Object.values(SHELVE_STATES)] })
      .catch(() => undefined);
  }
}

/** The guest destroyed and the host freed; the record keeps everything needed to come back. */
export async function shelveOffloadInstance(c: ComputeContext, uuid: string): Promise<void> {
  const rid = ridOf(uuid);
  const event = 'compute_shelve_offload_instance';
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  try {
    const inst = await c.conductor.instance_get(uuid);
    await c.driver.destroy(uuid).catch((err: Error) => {
      if (!(err instanceof GuestNotFoundError)) throw err;
    });
    c.deleteConsoleTokensCast(uuid);
    await c.conductor.instance_update(
      uuid,
      {
        vm_state: 'shelved_offloaded',
        task_state: null,
        power_state: PowerState.SHUTDOWN,
        host: null,
        node: null,
        availability_zone: inst?.requested_az ?? null,
      },
      { vm_state: ['shelved'], task_state: ['shelving_offloading'] },
    );
    await c.conductor.action_event_finish(uuid, rid, event, 'Success', `${c.host} freed`);
  } catch (err) {
    const e = err as Error;
    c.log.error(`shelve offload of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    await c.conductor.instance_update(uuid, { task_state: null }, { task_state: ['shelving_offloading'] }).catch(() => undefined);
  }
}

export async function unshelveInstance(c: ComputeContext, uuid: string): Promise<void> {
  const rid = ridOf(uuid);
  const event = 'compute_unshelve_instance';
  const inst = await c.conductor.instance_get(uuid);
  if (!inst || inst.task_state !== 'unshelving' || inst.host !== c.host) return;
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  const imageId = inst.shelved_image_id ?? null;
  try {
    if (inst.vm_state === 'shelved') {
      await c.conductor.instance_update(uuid, { task_state: 'powering-on' }, { task_state: ['unshelving'] });
      await c.driver.powerOn(uuid);
    } else {
      if (!imageId) throw new Error(`instance ${uuid} has no shelve image to boot from`);
      await c.conductor.instance_update(uuid, { task_state: 'spawning' }, { task_state: ['unshelving'] });
      await spawnFromShelveImage(c, inst, imageId);
    }
    await c.conductor.instance_update(uuid, { vm_state: 'active', task_state: null, power_state: PowerState.RUNNING, ...UNSHELVED });
    if (imageId) await c.glance.delete(imageId).catch((err: Error) => c.log.warn(`shelve image ${imageId}: ${err.message}`));
    await c.conductor.action_event_finish(uuid, rid, event, 'Success', `unshelved on ${c.host}`);
  } catch (err) {
    const e = err as Error;
    c.log.error(`unshelve of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    if (inst.vm_state === 'shelved_offloaded') {
      // As Nova: the claim on this host is given back; the instance stays offloaded, its image kept.
      await c.driver.destroy(uuid).catch(() => undefined);
      await c.conductor
        .instance_update(
          uuid,
          {
            task_state: null,
            host: null,
            node: null,
            fault: { code: 500, message: `Unshelve of ${uuid} failed on ${c.host}: ${e.message}`, created: new Date().toISOString() },
          },
          { task_state: ['spawning', 'unshelving'] },
        )
        .catch(() => undefined);
    } else await c.conductor.instance_update(uuid, { task_state: null }).catch(() => undefined);
  }
}

/** Boot the guest from the snapshot, as a build would from its image (same MAC and IP). */
async function spawnFromShelveImage(c: ComputeContext, inst: Instance, imageId: string): Promise<void> {
  const net = allocateNetwork(inst.uuid, inst.seq);
  const { image: files, virtualSize } = await fetchImages(c, { ...inst, image: { ...inst.image, id: imageId } });
  const tooSmall = rootDiskTooSmall(inst.flavor.disk, virtualSize);
  if (tooSmall) throw new Error(tooSmall);
  const spec: GuestSpec = {
    uuid: inst.uuid,
    name: instanceName(inst.seq),
    hostname: inst.hostname,
    arch: guestArch(inst),
    vcpus: inst.flavor.vcpus,
    memoryMb: inst.flavor.ram,
    image: files,
    network: { mac: net.mac, fixedIp: net.ip },
    metadata: c.metadata,
    vnc: c.vncListen,
    accel: c.acceleratorFor(guestArch(inst), inst.image.properties.hypervisor_type),
  };
  await c.driver.spawn(spec);
  await c.conductor.instance_update(inst.uuid, { addresses: [{ mac: net.mac, ip: net.ip, network: 'novalab-user' }] });
}
