// Resize and cold migration on the compute hosts, in Nova's order: the destination's
// prep_resize asks the source to hand over; the source stops the guest, keeps its files aside
// and copies them over (resize_instance), then gives the instance to the destination, which
// starts it with the new flavor (finish_resize → VERIFY_RESIZE). Confirm deletes the source's
// copy; revert removes the destination's guest and starts the source's copy again with the old
// flavor. Each step is an instance-action event, like Nova's compute manager's.
import type { Instance, Migration, MigrationContext } from '../../contract/model.js';
import { PowerState } from '../../contract/model.js';
import { GuestNotFoundError, type GuestSpec } from './driver.js';
import type { ComputeContext } from './compute-context.js';
import { currentContext } from '../bus/client.js';
import { fetchImages, guestArch } from './build-instance.js';
import { allocateNetwork } from './host-inventory.js';
import { instanceName } from '../shared/instance-name.js';
import { msg, summaryOf } from '../../contract/messages.js';

interface Move {
  inst: Instance;
  migration: Migration;
  ctx: MigrationContext;
}

/** Pure: Nova's libvirt refusal of a smaller root disk (its InstanceFaultRollback(ResizeError)), or null. */
export function resizeDownRefusal(ctx: Pick<MigrationContext, 'old_flavor' | 'new_flavor'>): string | null {
  return ctx.new_flavor.disk < ctx.old_flavor.disk ? 'Resize error: Unable to resize disk down.' : null;
}

/** Pure: the vm_state a finished move leaves (a stopped guest stays stopped, as Nova's old_vm_state). */
export const settledVmState = (ctx: Pick<MigrationContext, 'old_vm_state'>) => (ctx.old_vm_state === 'stopped' ? 'stopped' : 'active');

const powerOf = (ctx: MigrationContext) => (settledVmState(ctx) === 'active' ? PowerState.RUNNING : PowerState.SHUTDOWN);

async function load(c: ComputeContext, uuid: string, id: number, includeDeleted: boolean): Promise<Move | null> {
  const [inst, migration] = await Promise.all([
    c.conductor.instance_get(uuid, { include_deleted: includeDeleted }),
    c.conductor.migration_get(id),
  ]);
  const ctx = inst?.migration_context;
  if (!inst || !migration || !ctx || ctx.migration_id !== id) {
    c.log.warn(`move ${id} of ${uuid}: no such migration in progress (deleted meanwhile?)`);
    return null;
  }
  return { inst, migration, ctx };
}

interface StepOptions {
  /** Load the instance even if a delete finished it. */
  includeDeleted?: boolean;
  /** A delete took the instance over mid-step: what of the move's copies is left to remove
   *  (by default the source copy kept here). */
  onDeleted?: (m: Move) => Promise<void>;
}

/** One step of the move as an action event; a failure is recorded, then handled by `onError`. */
async function step(
  c: ComputeContext,
  uuid: string,
  id: number,
  event: string,
  act: (m: Move) => Promise<void>,
  onError: (m: Move, message: string) => Promise<void>,
  opts: StepOptions = {},
): Promise<void> {
  const m = await load(c, uuid, id, opts.includeDeleted ?? false);
  if (!m) return;
  const rid = currentContext()?.request_id ?? `req-${uuid}`;
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  try {
    await act(m);
    await c.conductor.action_event_finish(uuid, rid, event, 'Success');
  } catch (err) {
    const e = err as Error;
    c.log.error(`${event} of ${uuid} failed: ${e.message}`);
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    if (deletedMeanwhile(e)) {
      // The delete owns the instance now: no rollback over it; the move's copies go too.
      await (opts.onDeleted ?? (() => c.driver.confirmMigration(uuid)))(m).catch((e2: Error) =>
        c.log.error(`${event} of ${uuid}: removing the move's copies after the delete: ${e2.message}`),
      );
      return;
    }
    await onError(m, e.message).catch((e2: Error) => c.log.error(`${event} of ${uuid}: ${e2.message}`));
  }
}

/** A step refused because a delete took the instance over (task_state deleting) or finished it. */
function deletedMeanwhile(e: Error): boolean {
  const details = (e as { details?: { task_state?: unknown } }).details;
  return (
    (e.name === 'UnexpectedTaskState' && details?.task_state === 'deleting') || (e.name === 'NotFound' && e.message.startsWith('Instance '))
  );
}

/** The other host's nova-compute (and its instances directory): every lab host's compute sets these. */
function peer(c: ComputeContext, host: string) {
  if (!c.peerCast || !c.instancesDirOf) throw new Error('this nova-compute cannot reach other hosts');
  return { cast: c.peerCast(host), instancesDir: c.instancesDirOf(host) };
}

const fault = (message: string) => ({ code: 500, message, created: new Date().toISOString() });

/** The move failed before the source let go: the instance stays on the source as it was. */
async function rollBack(c: ComputeContext, m: Move, message: string): Promise<void> {
  await c.conductor.migration_update(m.migration.id, { status: 'error' });
  await c.conductor.instance_update(m.inst.uuid, { task_state: null, migration_context: null, fault: fault(message) });
}

/** The move failed after the hand-over: Nova puts the instance in ERROR with the reason. */
async function failed(c: ComputeContext, m: Move, message: string): Promise<void> {
  await c.conductor.migration_update(m.migration.id, { status: 'error' });
  await c.conductor.instance_update(m.inst.uuid, { vm_state: 'error', task_state: null, fault: fault(message) });
}

/** The guest as this host runs it: the new flavor's size, this host's image cache, VNC and accelerator. */
async function guestSpecHere(c: ComputeContext, inst: Instance, flavor: Instance['flavor']): Promise<GuestSpec> {
  const { image } = await fetchImages(c, inst);
  const addr = inst.addresses[0] ?? allocateNetwork(inst.uuid, inst.seq);
  return {
    uuid: inst.uuid,
    name: instanceName(inst.seq),
    hostname: inst.hostname,
    arch: guestArch(inst),
    vcpus: flavor.vcpus,
    memoryMb: flavor.ram,
    image,
    network: { mac: addr.mac, fixedIp: addr.ip },
    metadata: c.metadata,
    vnc: c.vncListen,
    accel: c.acceleratorFor(guestArch(inst), inst.image.properties.hypervisor_type),
  };
}

export function resizeManager(c: ComputeContext) {
  return {
    /** Destination: the claim is held (the scheduler made it); ask the source to hand the guest over. */
    prep_resize: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_prep_resize',
        async ({ inst, ctx }) => {
          if (inst.task_state !== 'resize_prep') throw new Error(`unexpected task_state ${inst.task_state}`);
          peer(c, ctx.source_host).cast.resize_instance(uuid, id);
        },
        (m, msg) => rollBack(c, m, msg),
      ),

    /** Source: stop the guest, keep it aside, copy it to the destination, hand the instance over. */
    resize_instance: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_resize_instance',
        async ({ migration, ctx }) => {
          const dest = ctx.dest_host!;
          await c.conductor.instance_update(uuid, { task_state: 'resize_migrating' }, { task_state: ['resize_prep'] });
          await c.conductor.migration_update(migration.id, { status: 'migrating' });
          const refusal = resizeDownRefusal(ctx);
          if (refusal) throw new Error(refusal);
          c.publish({
            kind: 'step',
            step: 'compute.driver',
            ...summaryOf(msg('step.resizeCopy', { host: c.host, driver: c.driver.name, uuid, dest })),
            detail: { source: c.host, dest, migration_id: migration.id },
          });
          await c.driver.migrateDiskAndPowerOff(uuid, peer(c, dest).instancesDir);
          c.deleteConsoleTokensCast(uuid);
          await c.conductor.migration_update(migration.id, { status: 'post-migrating' });
          await c.conductor.instance_update(
            uuid,
            {
              host: dest,
              node: ctx.dest_node,
              availability_zone: ctx.dest_az,
              flavor: ctx.new_flavor,
              power_state: PowerState.SHUTDOWN,
              migration_context: { ...ctx, at_dest: true },
              task_state: 'resize_migrated',
            },
            { task_state: ['resize_migrating'] },
          );
          peer(c, dest).cast.finish_resize(uuid, id);
        },
        async (m, msg) => {
          // The guest stays here: started again if it ran (the driver put its files back).
          if (settledVmState(m.ctx) === 'active') await c.driver.powerOn(uuid).catch(() => undefined);
          await rollBack(c, m, msg);
        },
        // Deleted while its files were copied: the delete removed the guest here, not the copy there.
        { onDeleted: (m) => c.driver.abandonMigration(uuid, peer(c, m.ctx.dest_host!).instancesDir) },
      ),

    /** Destination: start the copied guest with the new flavor; the user then confirms or reverts. */
    finish_resize: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_finish_resize',
        async ({ inst, migration, ctx }) => {
          await c.conductor.instance_update(uuid, { task_state: 'resize_finish' }, { task_state: ['resize_migrated'] });
          const spec = await guestSpecHere(c, inst, ctx.new_flavor);
          const handle = await c.driver.finishMigration(spec, { powerOn: settledVmState(ctx) === 'active', rootGb: ctx.new_flavor.disk });
          c.publish({
            kind: 'step',
            step: 'compute.driver',
            ...summaryOf(
              handle?.command
                ? msg('step.resizeStarted', {
                    host: c.host,
                    binary: handle.command.binary,
                    pid: handle.pid ?? '-',
                    vcpus: spec.vcpus,
                    ram_mb: spec.memoryMb,
                  })
                : msg('step.resizeArrived', {
                    host: c.host,
                    name: inst.name,
                    vcpus: spec.vcpus,
                    ram_mb: spec.memoryMb,
                    driver: c.driver.name,
                  }),
            ),
            detail: { pid: handle?.pid ?? null, command: handle?.command ?? null },
          });
          await c.conductor.migration_update(migration.id, { status: 'finished' });
          await c.conductor.instance_update(
            uuid,
            { vm_state: 'resized', task_state: null, power_state: powerOf(ctx) },
            { task_state: ['resize_finish'] },
          );
        },
        (m, msg) => failed(c, m, msg),
        {
          // Deleted while it arrived: a guest started here after the delete's destroy goes, and
          // the source drops the copy it kept (its confirm finds the instance deleted).
          onDeleted: async (m) => {
            await c.driver.destroy(uuid).catch((e: Error) => {
              if (!(e instanceof GuestNotFoundError)) throw e;
            });
            const source = m.migration.source_compute;
            if (source && source !== c.host) peer(c, source).cast.confirm_resize(uuid, id);
            else await c.driver.confirmMigration(uuid);
          },
        },
      ),

    /** Source: the move is kept; the source copy goes, and with it the source's claim. */
    confirm_resize: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_confirm_resize',
        async ({ inst, migration, ctx }) => {
          await c.driver.confirmMigration(uuid);
          await c.conductor.migration_update(migration.id, { status: 'confirmed' });
          // Confirmed on the way to a delete: the delete owns the instance record now.
          if (inst.task_state === 'deleting' || inst.vm_state === 'deleted') return;
          await c.conductor.instance_update(
            uuid,
            {
              vm_state: inst.power_state === PowerState.RUNNING ? 'active' : settledVmState(ctx),
              task_state: null,
              migration_context: null,
            },
            { vm_state: ['resized'] },
          );
        },
        (m, msg) => failed(c, m, msg),
        { includeDeleted: true }, // a delete may have finished on the destination already: the source copy still goes
      ),

    /** Destination: the move is undone; remove the guest here and give the instance back to the source. */
    revert_resize: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_revert_resize',
        async ({ ctx }) => {
          await c.driver.destroy(uuid);
          c.deleteConsoleTokensCast(uuid);
          await c.conductor.instance_update(
            uuid,
            {
              host: ctx.source_host,
              node: ctx.source_node,
              availability_zone: ctx.source_az,
              flavor: ctx.old_flavor,
              power_state: PowerState.SHUTDOWN,
              migration_context: { ...ctx, at_dest: false },
            },
            { task_state: ['resize_reverting'] },
          );
          peer(c, ctx.source_host).cast.finish_revert_resize(uuid, id);
        },
        (m, msg) => failed(c, m, msg),
      ),

    /** Source: the kept copy runs again with the old flavor. */
    finish_revert_resize: (uuid: string, id: number) =>
      step(
        c,
        uuid,
        id,
        'compute_finish_revert_resize',
        async ({ migration, ctx }) => {
          await c.driver.finishRevertMigration(uuid, settledVmState(ctx) === 'active');
          await c.conductor.migration_update(migration.id, { status: 'reverted' });
          await c.conductor.instance_update(
            uuid,
            { vm_state: settledVmState(ctx), task_state: null, power_state: powerOf(ctx), migration_context: null },
            { task_state: ['resize_reverting'] },
          );
        },
        (m, msg) => failed(c, m, msg),
      ),
  };
}
