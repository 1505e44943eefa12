// Resize, confirm/revert and cold migrate (POST /servers/{id}/action), as Nova's API checks
// them before anything moves: the state, the new flavor, the quota for a larger one, the
// image against it. Then task_state resize_prep (a compare-and-set), the instance action, and
// an rpc.cast to the conductor, which schedules again. Confirm and revert go straight to the
// host that acts first (the source to confirm, the destination to revert).
import type { Flavor, Instance, Migration } from '../../../contract/model.js';
import type { QuotaSet } from '../../../contract/model.js';
import type { QuotaUsage } from '../../rpc/conductor-api.js';
import { BusFailure } from '../../bus/errors.js';
import { badRequest, conflict, forbidden, notFound } from '../faults.js';
import { authorize, empty, type Call, type Reply } from '../http/kit.js';
import { atLeast } from '../microversion.js';
import { compile } from '../validation.js';
import { invalidStateMessage } from '../server-state.js';
import { GiB, rootDiskTooSmall } from '../../shared/flavor-disk.js';
import { computeDown, computeUp, recordAction } from './server-common.js';

const checkResize = compile<{ resize: { flavorRef: string | number } }>({
  type: 'object',
  properties: {
    resize: {
      type: 'object',
      properties: {
        flavorRef: { type: ['string', 'integer'], minLength: 1 },
        'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
      },
      required: ['flavorRef'],
      additionalProperties: false,
    },
  },
  required: ['resize'],
  additionalProperties: false,
});

const checkMigrate256 = compile<{ migrate: { host?: string | null } | null }>({
  type: 'object',
  properties: {
    migrate: {
      type: ['object', 'null'],
      properties: { host: { type: ['string', 'null'], minLength: 1, maxLength: 255 } },
      additionalProperties: false,
    },
  },
  required: ['migrate'],
  additionalProperties: false,
});

/** What resize and migrate accept (Nova's @check_instance_state on compute_api.resize). */
const MOVABLE = { vmStates: ['active', 'stopped'] as Instance['vm_state'][], taskStates: [null] as Instance['task_state'][] };
const RESIZED = { vmStates: ['resized'] as Instance['vm_state'][], taskStates: [null] as Instance['task_state'][] };

function stateConflict(action: string, states: typeof MOVABLE, inst: Pick<Instance, 'uuid' | 'vm_state' | 'task_state'>): void {
  const wrong = invalidStateMessage({ action, ...states }, inst.uuid, inst.vm_state, inst.task_state);
  if (wrong) throw conflict(wrong);
}

/**
 * Pure: Nova's 403 for a resize to a larger flavor (_check_quota_for_upsize): only the
 * increases count, against what the project already uses; null when it fits.
 */
export function upsizeQuotaRefusal(q: QuotaSet, used: QuotaUsage, from: Flavor, to: Flavor): string | null {
  const deltas = [
    { name: 'cores', req: to.vcpus - from.vcpus, used: used.cores, limit: q.cores },
    { name: 'ram', req: to.ram - from.ram, used: used.ram, limit: q.ram },
  ].filter((d) => d.req > 0);
  const over = deltas.filter((d) => d.limit >= 0 && d.used + d.req > d.limit);
  if (!over.length) return null;
  const list = (f: (d: (typeof over)[number]) => string | number) => over.map(f).join(', ');
  return `Quota exceeded for ${list((d) => d.name)}: Requested ${list((d) => d.req)}, but already used ${list((d) => d.used)} of ${list((d) => d.limit)} ${list((d) => d.name)}`;
}

/** Pure: Nova's checks of the new flavor against the current one and the instance's image (400s), or null. */
export function resizeFlavorRefusal(inst: Pick<Instance, 'flavor' | 'image'>, to: Flavor): string | null {
  if (to.id === inst.flavor.id) return 'When resizing, instances must change flavor!';
  if (to.disk === 0 && inst.flavor.disk !== 0)
    return 'Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.';
  const img = inst.image;
  if (to.ram < img.min_ram) return "Flavor's memory is too small for requested image.";
  if (to.disk === 0) return null;
  const tooSmall = rootDiskTooSmall(to.disk, Math.max(img.size ?? 0, img.virtual_size ?? 0));
  if (tooSmall) return tooSmall;
  if (img.min_disk > to.disk)
    return `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${to.disk * GiB} bytes, minimum size is ${img.min_disk * GiB} bytes.`;
  return null;
}

/** resize_prep (compare-and-set), the action record, then the conductor's cast. */
async function beginMove(
  c: Call,
  inst: Instance,
  action: 'resize' | 'migrate',
  flavor: Flavor | null,
  host: string | null,
): Promise<Reply> {
  if (!inst.host) throw conflict(`Cannot '${action}' instance ${inst.uuid}: it has no host (it was never scheduled)`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  try {
    await c.deps.conductor.call.instance_update(
      inst.uuid,
      { task_state: 'resize_prep', fault: null },
      { vm_state: MOVABLE.vmStates, task_state: MOVABLE.taskStates },
    );
  } catch (err) {
    if (!(err instanceof BusFailure) || err.code !== 409) throw err;
    const now = await c.deps.conductor.call.instance_get(inst.uuid);
    if (now) stateConflict(action, MOVABLE, now);
    throw conflict(`Cannot '${action}' instance ${inst.uuid}: its state changed meanwhile`);
  }
  await recordAction(c, inst, action);
  c.deps.conductor.cast.migrate_server({ instance_uuid: inst.uuid, flavor, host, user_id: c.st.auth.user_id });
  return empty(202);
}

async function resize(c: Call, inst: Instance): Promise<Reply> {
  const ref = String(checkResize(c.body).resize.flavorRef);
  authorize(c, 'os_compute_api:servers:resize', inst);
  stateConflict('resize', MOVABLE, inst);
  const flavor = await c.deps.conductor.call.flavor_get(ref, c.st.auth.is_admin ? undefined : c.st.auth.project_id);
  if (!flavor || (flavor.disabled && flavor.id !== inst.flavor.id)) throw badRequest(`Flavor ${ref} could not be found.`);
  const refusal = resizeFlavorRefusal(inst, flavor);
  if (refusal) throw badRequest(refusal);
  const [quota, used] = await Promise.all([
    c.deps.conductor.call.quota_get(inst.project_id),
    c.deps.conductor.call.quota_usage(inst.project_id),
  ]);
  const over = upsizeQuotaRefusal(quota, used, inst.flavor, flavor);
  if (over) throw forbidden(over);
  return beginMove(c, inst, 'resize', flavor, null);
}

async function migrate(c: Call, inst: Instance): Promise<Reply> {
  let host: string | null = null;
  if (atLeast(c.st.version, '2.56')) host = checkMigrate256(c.body).migrate?.host ?? null;
  authorize(c, 'os_compute_api:os-migrate-server:migrate', inst);
  stateConflict('migrate', MOVABLE, inst);
  if (host !== null) {
    const known = (await c.deps.conductor.call.service_list({ binary: 'nova-compute', host })).some((s) => s.host === host);
    if (!known) throw badRequest(`Compute host ${host} could not be found.`);
    if (host === inst.host) throw badRequest('Cannot migrate to the host where the server exists.');
  }
  return beginMove(c, inst, 'migrate', null, host);
}

/** Nova's Migration.get_by_instance_and_status(uuid, 'finished'): the move awaiting confirmation. */
async function finishedMigration(c: Call, inst: Instance): Promise<Migration> {
  const [m] = await c.deps.conductor.call.migration_list({ instance_uuid: inst.uuid, status: 'finished' });
  if (!m || inst.migration_context?.migration_id !== m.id) throw badRequest('Instance has not been resized.');
  return m;
}

async function confirmResize(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:servers:confirm_resize', inst);
  stateConflict('confirmResize', RESIZED, inst);
  const m = await finishedMigration(c, inst);
  const source = m.source_compute!;
  if (!(await computeUp(c, source))) throw computeDown(source);
  await c.deps.conductor.call.migration_update(m.id, { status: 'confirming' });
  await recordAction(c, inst, 'confirmResize');
  c.deps.compute(source).cast.confirm_resize(inst.uuid, m.id);
  return empty(204);
}

async function revertResize(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:servers:revert_resize', inst);
  stateConflict('revertResize', RESIZED, inst);
  const m = await finishedMigration(c, inst);
  const ctx = inst.migration_context!;
  // Going back to the larger flavor must fit the quota again (is_revert).
  const [quota, used] = await Promise.all([
    c.deps.conductor.call.quota_get(inst.project_id),
    c.deps.conductor.call.quota_usage(inst.project_id),
  ]);
  const over = upsizeQuotaRefusal(quota, used, ctx.new_flavor, ctx.old_flavor);
  if (over) throw forbidden(over);
  const dest = m.dest_compute!;
  if (!(await computeUp(c, dest))) throw computeDown(dest);
  try {
    await c.deps.conductor.call.instance_update(
      inst.uuid,
      { task_state: 'resize_reverting' },
      { vm_state: ['resized'], task_state: [null] },
    );
  } catch (err) {
    if (err instanceof BusFailure && err.code === 409)
      throw conflict(`Cannot 'revertResize' instance ${inst.uuid}: its state changed meanwhile`);
    throw err;
  }
  await c.deps.conductor.call.migration_update(m.id, { status: 'reverting' });
  await recordAction(c, inst, 'revertResize');
  c.deps.compute(dest).cast.revert_resize(inst.uuid, m.id);
  return empty(202);
}

/** Body key of POST /servers/{id}/action → its handler (after the server was found). */
export const MOVE_ACTIONS: Record<string, (c: Call, inst: Instance) => Promise<Reply>> = {
  resize,
  migrate,
  confirmResize,
  revertResize,
};

/**
 * Deleting a server that awaits confirmation confirms its move first (Nova's
 * _confirm_resize_on_deleting): the source drops its copy and its claim; the delete then runs
 * on the destination, where the instance is.
 */
export async function confirmBeforeDelete(c: Call, inst: Instance): Promise<void> {
  if (inst.vm_state !== 'resized' || !inst.migration_context) return;
  const [m] = await c.deps.conductor.call.migration_list({ instance_uuid: inst.uuid, status: 'finished' });
  if (!m || m.id !== inst.migration_context.migration_id || !m.source_compute) return;
  await c.deps.conductor.call.migration_update(m.id, { status: 'confirming' });
  c.deps.compute(m.source_compute).cast.confirm_resize(inst.uuid, m.id);
}

export const migrationNotFound = (id: string) => notFound(`Migration ${id} could not be found.`);
