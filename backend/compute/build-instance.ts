// Course steps 9–11 on the chosen host: allocate the network, fetch the image into this
// host's cache, let the driver build the QEMU command line and start it. A failure the
// driver marks retryable goes back to the conductor to try another host; any other failure
// puts the instance in ERROR with the reason.
import type { Instance } from '../../contract/model.js';
import { BUILD_TASK_STATES, PowerState } from '../../contract/model.js';
import { RetryableSpawnError, type GuestArch, type GuestSpec } from './driver.js';
import { allocateNetwork } from './host-inventory.js';
import type { ComputeContext } from './compute-context.js';

const BUILD_EVENT = 'compute__do_build_and_run_instance';

export async function buildAndRunInstance(c: ComputeContext, inst: Instance): Promise<void> {
  const rid = inst.create_request_id;
  const uuid = inst.uuid;
  await c.conductor.action_event_start(uuid, rid, BUILD_EVENT, c.host);
  try {
    // Each step expects the task the last one set, as Nova's expected_task_state: a delete
    // that came meanwhile (task_state deleting) stops the build instead of being undone by it.
    await c.conductor.instance_update(uuid, { task_state: 'networking' }, { task_state: ['scheduling', null] });
    const net = allocateNetwork(uuid, inst.seq);
    await c.lab.step({ step: 'compute.network', summary: `network for ${inst.name}: MAC ${net.mac}, fixed IP ${net.ip} (QEMU user-mode network, metadata at 169.254.169.254)`, detail: net });
    await c.conductor.instance_update(uuid, { addresses: [{ mac: net.mac, ip: net.ip, network: 'novalab-user' }], task_state: 'block_device_mapping' }, { task_state: ['networking'] });

    await c.lab.step({ step: 'compute.driver', summary: `${c.host}: the ${c.driver.name} driver prepares ${inst.name} (${inst.flavor.vcpus} vCPU, ${inst.flavor.ram} MB)`, detail: { driver: c.driver.name } });
    const files = await fetchImages(c, inst);
    await c.conductor.instance_update(uuid, { task_state: 'spawning' }, { task_state: ['block_device_mapping'] });
    const spec: GuestSpec = {
      uuid,
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
    const handle = await c.driver.spawn(spec, (p) => c.publish({ kind: 'progress', summary: `${inst.name}: ${p.phase} ${p.detail}`, detail: p }));
    c.publish({
      kind: 'step', step: 'compute.driver',
      summary: handle.command ? `started ${handle.command.binary} (pid ${handle.pid})` : `started ${inst.name} (${c.driver.name} driver)`,
      detail: { pid: handle.pid, command: handle.command },
    });
    await c.conductor.instance_update(uuid, { vm_state: 'active', task_state: null, power_state: PowerState.RUNNING, launched_at: new Date().toISOString() }, { task_state: ['spawning'] });
    await c.conductor.action_event_finish(uuid, rid, BUILD_EVENT, 'Success', `started on ${c.host}`);
  } catch (err) {
    const e = err as Error;
    await c.driver.destroy(uuid).catch(() => undefined);
    if (deletedMeanwhile(e)) {
      // The delete owns the instance now; the guest this build may have started is gone.
      c.log.info(`build of ${uuid} stopped: the instance is being deleted`);
      await c.conductor.action_event_finish(uuid, rid, BUILD_EVENT, 'Error', 'the instance was deleted during its build').catch(() => undefined);
      return;
    }
    await c.conductor.action_event_finish(uuid, rid, BUILD_EVENT, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    if (err instanceof RetryableSpawnError) {
      c.log.warn(`spawn of ${uuid} failed, asking the conductor to reschedule: ${e.message}`);
      c.rescheduleCast(uuid, c.host, e.message);
      return;
    }
    c.log.error(`build of ${uuid} failed: ${e.message}`);
    await c.conductor.instance_update(uuid, {
      vm_state: 'error', task_state: null, power_state: PowerState.NOSTATE,
      fault: { code: 500, message: `Build of instance ${uuid} aborted on ${c.host}: ${e.message}`, created: new Date().toISOString() },
    }, { vm_state: ['building'], task_state: [...BUILD_TASK_STATES] }).catch(() => undefined);
  }
}

/** A build step refused because a delete took the instance over (or finished it). */
function deletedMeanwhile(e: Error): boolean {
  const details = (e as { details?: { task_state?: unknown } }).details;
  return (e.name === 'UnexpectedTaskState' && details?.task_state === 'deleting') || (e.name === 'NotFound' && e.message.startsWith('Instance '));
}

/** Step 11: the root disk, and the kernel and ramdisk it names, into this host's cache. */
async function fetchImages(c: ComputeContext, inst: Instance): Promise<GuestSpec['image']> {
  const props = inst.image.properties;
  const ids = { disk: inst.image.id, kernel: props.kernel_id ?? null, ramdisk: props.ramdisk_id ?? null };
  await c.lab.step({ step: 'compute.image', summary: `${c.host} fetches image ${inst.image.name} from glance into its cache`, detail: ids });
  if (!ids.kernel) throw new Error(`image ${inst.image.name} has no kernel_id: novalab boots images with a kernel (aki) and ramdisk (ari)`);
  const get = async (id: string) => {
    const rec = await c.images.describe(id);
    return c.images.fetch(rec, (p) => c.publish({
      kind: 'progress', step: 'compute.image',
      summary: p.cached ? `${p.name}: already in ${c.host}'s cache` : `${p.name}: ${p.bytes} of ${p.total ?? '?'} bytes`,
      detail: p,
    }));
  };
  const [disk, kernel, ramdisk] = await Promise.all([get(ids.disk), get(ids.kernel), ids.ramdisk ? get(ids.ramdisk) : Promise.resolve(null)]);
  return { disk, kernel, ramdisk, cmdline: props.os_command_line ?? 'console=ttyS0' };
}

export const instanceName = (seq: number) => `instance-${seq.toString(16).padStart(8, '0')}`;

export function guestArch(inst: Instance): GuestArch {
  const a = (inst.image.properties.architecture ?? 'x86_64').toLowerCase();
  return a === 'aarch64' || a === 'arm64' ? 'aarch64' : 'x86_64';
}
