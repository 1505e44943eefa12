// Course steps 9–11 on the chosen host: allocate the network, fetch the image into this
// host's cache, let the driver build the QEMU command line and start it. A failure the
// driver marks retryable goes back to the conductor to try another host; any other failure
// puts the instance in ERROR with the reason (an image that does not fit the flavor's root
// disk, or whose bytes are refused, is such a failure: no driver is asked to start it).
import type { Instance } from '../../contract/model.js';
import { BUILD_TASK_STATES, PowerState } from '../../contract/model.js';
import { rootDiskTooSmall } from '../shared/flavor-disk.js';
import { RetryableSpawnError, type GuestArch, type GuestSpec } from './driver.js';
import { allocateNetwork } from './host-inventory.js';
import type { ComputeContext } from './compute-context.js';
import { instanceName } from '../shared/instance-name.js';
import { watchBanner } from './banner-watch.js';
import { msg, summaryOf } from '../../contract/messages.js';
import { bannerProgress, spawnProgress } from './progress-message.js';

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
    await c.lab.step({
      step: 'compute.network',
      ...summaryOf(msg('step.computeNetwork', { name: inst.name, mac: net.mac, ip: net.ip })),
      detail: net,
    });
    await c.conductor.instance_update(
      uuid,
      {
        addresses: [{ mac: net.mac, ip: net.ip, network: 'novalab-user' }],
        task_state: 'block_device_mapping',
      },
      { task_state: ['networking'] },
    );

    await c.lab.step({
      step: 'compute.driver',
      ...summaryOf(
        msg('step.computeDriverPrepare', {
          host: c.host,
          driver: c.driver.name,
          name: inst.name,
          vcpus: inst.flavor.vcpus,
          ram_mb: inst.flavor.ram,
        }),
      ),
      detail: { driver: c.driver.name },
    });
    const { image: files, virtualSize } = await fetchImages(c, inst);
    // Nova's verify_base_size: the fetched disk's virtual size against the flavor's root disk.
    const tooSmall = rootDiskTooSmall(inst.flavor.disk, virtualSize);
    if (tooSmall) throw new Error(tooSmall);
    await c.conductor.instance_update(uuid, { task_state: 'spawning' }, { task_state: ['block_device_mapping'] });
    const spec = guestSpec(c, inst, files, net);
    const handle = await c.driver.spawn(spec, (p) => c.publish({ kind: 'progress', ...spawnProgress(inst.name, p), detail: p }));
    c.publish({
      kind: 'step',
      step: 'compute.driver',
      ...summaryOf(
        handle.command
          ? msg('step.computeStarted', { binary: handle.command.binary, pid: handle.pid ?? '' })
          : msg('step.computeStartedNoProcess', { name: inst.name, driver: c.driver.name }),
      ),
      detail: { pid: handle.pid, command: handle.command },
    });
    // The guest keeps booting after ACTIVE; its banner says when it is done (the waterfall's
    // guest lane). The fake driver prints none.
    if (c.driver.name !== 'fake')
      watchBanner({
        everyMs: 200,
        read: () => c.driver.getConsoleOutput(uuid, 20),
        found: (line) => c.publish({ kind: 'progress', ...bannerProgress(inst.name, line), detail: { phase: 'banner', detail: line } }),
      });
    await c.conductor.instance_update(
      uuid,
      {
        vm_state: 'active',
        task_state: null,
        power_state: PowerState.RUNNING,
        launched_at: new Date().toISOString(),
      },
      { task_state: ['spawning'] },
    );
    await c.conductor.action_event_finish(uuid, rid, BUILD_EVENT, 'Success', `started on ${c.host}`);
  } catch (err) {
    const e = err as Error;
    await c.driver.destroy(uuid).catch(() => undefined);
    if (deletedMeanwhile(e)) {
      // The delete owns the instance now; the guest this build may have started is gone.
      c.log.info(`build of ${uuid} stopped: the instance is being deleted`);
      await c.conductor
        .action_event_finish(uuid, rid, BUILD_EVENT, 'Error', 'the instance was deleted during its build')
        .catch(() => undefined);
      return;
    }
    await c.conductor.action_event_finish(uuid, rid, BUILD_EVENT, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    if (err instanceof RetryableSpawnError) {
      c.log.warn(`spawn of ${uuid} failed, asking the conductor to reschedule: ${e.message}`);
      c.rescheduleCast(uuid, c.host, e.message);
      return;
    }
    c.log.error(`build of ${uuid} failed: ${e.message}`);
    await c.conductor
      .instance_update(
        uuid,
        {
          vm_state: 'error',
          task_state: null,
          power_state: PowerState.NOSTATE,
          fault: {
            code: 500,
            message: `Build of instance ${uuid} aborted on ${c.host}: ${e.message}`,
            created: new Date().toISOString(),
          },
        },
        { vm_state: ['building'], task_state: [...BUILD_TASK_STATES] },
      )
      .catch(() => undefined);
  }
}

/** What the driver is asked to start for this instance (a build's, and a rebuild's). */
export function guestSpec(c: ComputeContext, inst: Instance, image: GuestSpec['image'], net: { mac: string; ip: string }): GuestSpec {
  return {
    uuid: inst.uuid,
    name: instanceName(inst.seq),
    hostname: inst.hostname,
    arch: guestArch(inst),
    vcpus: inst.flavor.vcpus,
    memoryMb: inst.flavor.ram,
    image,
    network: { mac: net.mac, fixedIp: net.ip },
    metadata: c.metadata,
    vnc: c.vncListen,
    accel: c.acceleratorFor(guestArch(inst), inst.image.properties.hypervisor_type),
  };
}

/** A build step refused because a delete took the instance over (or finished it). */
export function deletedMeanwhile(e: Error): boolean {
  const details = (e as { details?: { task_state?: unknown } }).details;
  return (
    (e.name === 'UnexpectedTaskState' && details?.task_state === 'deleting') || (e.name === 'NotFound' && e.message.startsWith('Instance '))
  );
}

/**
 * The images this build fetches: the instance's image, and the kernel and ramdisk nova-api
 * resolved with the requester's token when it accepted the request (never the image's
 * properties read again here, with this host's service token). Pure.
 */
export function bootImageIds(inst: Pick<Instance, 'image' | 'kernel_id' | 'ramdisk_id'>): {
  disk: string;
  kernel: string | null;
  ramdisk: string | null;
} {
  return {
    disk: inst.image.id,
    kernel: inst.kernel_id ?? null,
    ramdisk: inst.ramdisk_id ?? null,
  };
}

/** Step 11: the root disk, and the kernel and ramdisk, into this host's cache, verified. An
 *  image without a kernel is a whole-disk image: the driver boots it through the firmware
 *  (its ramdisk_id alone would have nothing to load it, so it is not fetched). */
export async function fetchImages(c: ComputeContext, inst: Instance): Promise<{ image: GuestSpec['image']; virtualSize: number }> {
  const props = inst.image.properties;
  const ids = bootImageIds(inst);
  await c.lab.step({
    step: 'compute.image',
    ...summaryOf(msg('step.computeImage', { host: c.host, image: inst.image.name })),
    detail: ids,
  });
  const get = async (id: string) => {
    // When this image's fetch began (the three run at once): the waterfall's bar starts here.
    const startedAt = new Date().toISOString();
    const rec = await c.images.describe(id);
    return c.images.fetch(rec, (p) =>
      c.publish({
        kind: 'progress',
        step: 'compute.image',
        ...summaryOf(
          p.cached
            ? msg('step.imageCached', { name: p.name, host: c.host })
            : msg('step.imageBytes', { name: p.name, bytes: p.bytes, total: p.total ?? '?' }),
        ),
        detail: { ...p, started_at: startedAt },
      }),
    );
  };
  const [disk, kernel, ramdisk] = await Promise.all([
    get(ids.disk),
    ids.kernel ? get(ids.kernel) : Promise.resolve(null),
    ids.kernel && ids.ramdisk ? get(ids.ramdisk) : Promise.resolve(null),
  ]);
  return {
    image: {
      disk: disk.file,
      diskFormat: disk.format,
      kernel: kernel?.file ?? null,
      ramdisk: ramdisk?.file ?? null,
      firmwareType: firmwareType(props.hw_firmware_type),
      cmdline: props.os_command_line ?? 'console=ttyS0',
    },
    virtualSize: disk.virtualSize,
  };
}

/** hw_firmware_type as Nova's image meta reads it (nova-api refused other values at create;
 *  one set on the image since then counts as unset). */
export function firmwareType(value: string | undefined): 'bios' | 'uefi' | null {
  return value === 'bios' || value === 'uefi' ? value : null;
}

export function guestArch(inst: Instance): GuestArch {
  const a = (inst.image.properties.architecture ?? 'x86_64').toLowerCase();
  return a === 'aarch64' || a === 'arm64' ? 'aarch64' : 'x86_64';
}
