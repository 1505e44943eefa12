// nova-compute's RPC face (topic compute.<host>): each cast changes one guest through the
// driver and records the outcome through the conductor as an instance-action event; calls
// answer console questions.
import { publicConnectInfo, type ComputeApi, type VncConnectInfo } from '../rpc/compute-api.js';
import type { Instance, PowerStateValue, VmState } from '../../contract/model.js';
import { PowerState } from '../../contract/model.js';
import { GuestNotFoundError } from './driver.js';
import { currentContext } from '../bus/client.js';
import type { ComputeContext } from './compute-context.js';
import { buildAndRunInstance, guestArch } from './build-instance.js';
import { instanceDiagnostics } from './diagnostics.js';
import { proxyDialHost } from './vnc-listen.js';
import { readableConsole } from './console-text.js';
import { resizeManager } from './resize.js';
import type { ConsoleStepId } from '../../contract/boot-steps.js';
import { snapshotInstance } from './snapshot.js';
import { shelveInstance, shelveOffloadInstance, unshelveInstance } from './shelve.js';
import { offloadLater } from './shelve-offload-timer.js';
import { rebuildInstance, rescueInstance, unrescueInstance } from './rebuild.js';
import { msg, summaryOf, type LabMessage } from '../../contract/messages.js';

interface PowerOutcome {
  vm_state: VmState;
  power_state: PowerStateValue;
}

/** Run one driver operation as Nova's compute manager would: event start, act, record. */
async function operate(
  c: ComputeContext,
  uuid: string,
  event: string,
  act: () => Promise<unknown>,
  after: PowerOutcome | null,
): Promise<void> {
  const rid = currentContext()?.request_id ?? `req-${uuid}`;
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  try {
    await act();
    if (after) await c.conductor.instance_update(uuid, { ...after, task_state: null });
    await c.conductor.action_event_finish(uuid, rid, event, 'Success');
  } catch (err) {
    const e = err as Error;
    c.log.error(`${event} of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    // Leave the instance as it was, without the task, so the user can try again.
    await c.conductor.instance_update(uuid, { task_state: null }).catch(() => undefined);
  }
}

const ACTIVE = { vm_state: 'active', power_state: PowerState.RUNNING } as const;

/**
 * The builds and deletes this process is doing now: a duplicate cast of the same work (held by
 * the bus, or sent again after a restart) and recovery skip them. A delete may still run
 * while a build does (a user deleting a server in BUILD).
 */
export interface HostWork {
  building: Set<string>;
  deleting: Set<string>;
}

export const newHostWork = (): HostWork => ({
  building: new Set(),
  deleting: new Set(),
});

/** Run one piece of work on an instance unless the same work is already in hand. */
async function exclusive(set: Set<string>, uuid: string, fn: () => Promise<void>): Promise<void> {
  if (set.has(uuid)) return;
  set.add(uuid);
  try {
    await fn();
  } finally {
    set.delete(uuid);
  }
}

/** Build an instance placed here, once: a cast held by the bus or sent again after a restart finds it begun. */
export function buildOnce(c: ComputeContext, work: HostWork, uuid: string): Promise<void> {
  return exclusive(work.building, uuid, async () => {
    const now = await c.conductor.instance_get(uuid);
    if (!now || now.host !== c.host || now.vm_state !== 'building' || !(now.task_state === 'scheduling' || now.task_state === null)) return;
    await buildAndRunInstance(c, now);
  });
}

/** Delete an instance's guest and record; a delete of one already gone does nothing. */
export function terminateOnce(c: ComputeContext, work: HostWork, uuid: string): Promise<void> {
  return exclusive(work.deleting, uuid, async () => {
    if (!(await c.conductor.instance_get(uuid))) return;
    await operate(
      c,
      uuid,
      'compute_terminate_instance',
      async () => {
        await c.driver.destroy(uuid).catch((err: Error) => {
          if (!(err instanceof GuestNotFoundError)) throw err;
        });
        c.deleteConsoleTokensCast(uuid);
      },
      null,
    );
    await c.conductor.instance_destroy(uuid);
  });
}

export function computeManager(c: ComputeContext, work: HostWork = newHostWork()): ComputeApi {
  return {
    ...resizeManager(c),
    async build_and_run_instance(instance: Instance) {
      await buildOnce(c, work, instance.uuid);
    },
    stop_instance: (uuid) =>
      operate(c, uuid, 'compute_stop_instance', () => c.driver.powerOff(uuid), {
        vm_state: 'stopped',
        power_state: PowerState.SHUTDOWN,
      }),
    start_instance: (uuid) => operate(c, uuid, 'compute_start_instance', () => c.driver.powerOn(uuid), ACTIVE),
    async reboot_instance(uuid, type) {
      await operate(
        c,
        uuid,
        'compute_reboot_instance',
        async () => {
          const state = await c.driver.getPowerState(uuid);
          // A hard reboot of a stopped guest starts it again, as Nova's does.
          if (state === 'shutdown' || state === 'crashed') await c.driver.powerOn(uuid);
          else await c.driver.reboot(uuid, type);
        },
        ACTIVE,
      );
    },
    pause_instance: (uuid) =>
      operate(c, uuid, 'compute_pause_instance', () => c.driver.pause(uuid), {
        vm_state: 'paused',
        power_state: PowerState.PAUSED,
      }),
    unpause_instance: (uuid) => operate(c, uuid, 'compute_unpause_instance', () => c.driver.unpause(uuid), ACTIVE),
    suspend_instance: (uuid) =>
      operate(c, uuid, 'compute_suspend_instance', () => c.driver.suspend(uuid), {
        vm_state: 'suspended',
        power_state: PowerState.SHUTDOWN,
      }),
    resume_instance: (uuid) => operate(c, uuid, 'compute_resume_instance', () => c.driver.resume(uuid), ACTIVE),
    terminate_instance: (uuid) => terminateOnce(c, work, uuid),
    snapshot_instance: (uuid, imageId) => snapshotInstance(c, uuid, { imageId, from: 'image_snapshot_pending' }),
    backup_instance: (uuid, imageId, type, rotation) =>
      snapshotInstance(c, uuid, { imageId, from: 'image_backup', backup: { type, rotation } }),
    shelve_instance: (uuid, imageId) => shelveInstance(c, uuid, imageId, (u) => offloadLater(c, u)),
    shelve_offload_instance: (uuid) => shelveOffloadInstance(c, uuid),
    unshelve_instance: (uuid) => unshelveInstance(c, uuid),
    rebuild_instance: (uuid, orig) => rebuildInstance(c, uuid, orig),
    rescue_instance: (uuid, rescue) => rescueInstance(c, uuid, rescue),
    unrescue_instance: (uuid) => unrescueInstance(c, uuid),
    async get_diagnostics(inst) {
      const state = await c.driver.getPowerState(inst.uuid);
      if (state !== 'running') throw new Error(`guest ${inst.uuid} is ${state}: diagnostics need a running guest`);
      const stats = await c.driver.getStats(inst.uuid);
      const accel = c.driver.name === 'fake' ? 'fake' : c.acceleratorFor(guestArch(inst), inst.image.properties.hypervisor_type);
      return instanceDiagnostics(inst, state, stats, accel, new Date());
    },
    async get_console_output(uuid, length) {
      return readableConsole(await c.driver.getConsoleOutput(uuid, length ?? undefined));
    },
    async get_vnc_console(uuid): Promise<VncConnectInfo> {
      // The course's noVNC steps 4-7 and 14, as this host lives them.
      const say = (step: ConsoleStepId, said: LabMessage, detail?: unknown) =>
        c.publish({
          kind: 'step',
          step,
          ctx: { ...currentContext(), instance_uuid: uuid },
          ...summaryOf(said),
          detail,
        });
      say('compute.driver_query', msg('console.driverQuery', { host: c.host, driver: c.driver.name, uuid }));
      const addr = await c.driver.getVncConsole(uuid);
      const info: VncConnectInfo =
        'unixSocket' in addr
          ? { kind: 'unix', path: addr.unixSocket }
          : {
              kind: 'tcp',
              host: proxyDialHost(addr.host, c.vncProxyclientAddress),
              port: addr.port,
              ...(addr.password !== undefined ? { password: addr.password } : {}),
            };
      const where =
        info.kind === 'unix'
          ? msg('console.whereUnix', { path: info.path })
          : msg(info.password !== undefined ? 'console.whereTcpPassword' : 'console.whereTcp', { host: info.host, port: info.port });
      const shown = publicConnectInfo(info);
      say('driver.read_config', msg('console.readConfig', { where }), shown);
      say('driver.connect_info', msg('console.driverConnectInfo', { where }), shown);
      say('compute.token', msg('console.token'));
      say('compute.connect_info', msg('console.connectInfo', { where }), shown);
      return info;
    },
  };
}
