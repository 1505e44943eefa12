// The rebuild, rescue/unrescue and lock/unlock server actions, as Nova's API does them: the
// body is checked, then policy, the lock and the state; the record changes by compare-and-set
// of task_state through the conductor (a concurrent action meets a 409, nothing is half
// written), an instance action is recorded, and the instance's nova-compute gets a cast.
import { randomBytes } from 'node:crypto';
import type { Instance, TaskState, VmState } from '../../../contract/model.js';
import { BusFailure } from '../../bus/errors.js';
import type { InstancePatch } from '../../rpc/conductor-api.js';
import { ApiFault, badRequest, conflict, forbidden, notImplemented } from '../faults.js';
import { allowed, authorize, empty, type Call, type Reply } from '../http/kit.js';
import { shortIPv6 } from '../ip-address.js';
import { atLeast } from '../microversion.js';
import { checkLock273, checkRescue, rebuildCheck } from '../rebuild-schemas.js';
import { invalidStateMessage } from '../server-state.js';
import { serverDetail } from '../views/server-view.js';
import { checkImageFits, imageMeta, kernelAndRamdisk } from './server-create.js';
import { computeDown, computeUp, recordAction, viewOptions } from './server-common.js';

/** Nova's check_instance_lock: a locked server refuses its owner's actions (admins pass). */
export function checkNotLocked(c: Call, inst: Instance): void {
  if (inst.locked && !c.st.auth.is_admin) throw conflict(`Instance ${inst.uuid} is locked`);
}

interface Task {
  action: string;
  vmStates: VmState[];
  taskState: Exclude<TaskState, null>;
}

const REBUILD: Task = { action: 'rebuild', vmStates: ['active', 'stopped', 'error'], taskState: 'rebuilding' };
const RESCUE: Task = { action: 'rescue', vmStates: ['active', 'stopped', 'error'], taskState: 'rescuing' };
const UNRESCUE: Task = { action: 'unrescue', vmStates: ['rescued'], taskState: 'unrescuing' };

/** The state check, then the task set by compare-and-set with the rest of the patch. */
async function beginTask(c: Call, inst: Instance, t: Task, patch: InstancePatch = {}): Promise<Instance> {
  const spec = { action: t.action, vmStates: t.vmStates, taskStates: [null] as TaskState[] };
  const wrong = invalidStateMessage(spec, inst.uuid, inst.vm_state, inst.task_state);
  if (wrong) throw conflict(wrong);
  if (!inst.host) throw conflict(`Cannot '${t.action}' instance ${inst.uuid}: it has no host (it was never scheduled)`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  try {
    return await c.deps.conductor.call.instance_update(
      inst.uuid,
      { ...patch, task_state: t.taskState },
      { vm_state: t.vmStates, task_state: [null] },
    );
  } catch (err) {
    if (!(err instanceof BusFailure) || (err.code !== 409 && err.code !== 404)) throw err;
    if (err.code === 404) throw new ApiFault(404, 'Instance could not be found');
    const now = await c.deps.conductor.call.instance_get(inst.uuid);
    throw conflict(
      (now && invalidStateMessage(spec, inst.uuid, now.vm_state, now.task_state)) ??
        `Cannot '${t.action}' instance ${inst.uuid}: its state changed meanwhile`,
    );
  }
}

/** The password asked for, else a generated one (enable_instance_password defaults to true). */
const adminPassword = (asked: string | undefined) => asked ?? randomBytes(9).toString('base64url').slice(0, 12);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** POST /servers/{id}/action {"rebuild": …}: the guest is re-created from imageRef on a fresh disk. */
export async function rebuildServer(c: Call, inst: Instance): Promise<Reply> {
  const v = c.st.version;
  const body = rebuildCheck(v)(c.body).rebuild;
  authorize(c, 'os_compute_api:servers:rebuild', inst);
  checkNotLocked(c, inst);
  const wrong = invalidStateMessage(
    { action: 'rebuild', vmStates: REBUILD.vmStates, taskStates: [null] },
    inst.uuid,
    inst.vm_state,
    inst.task_state,
  );
  if (wrong) throw conflict(wrong);
  if (Array.isArray(body.personality) && body.personality.length > 0)
    throw notImplemented('Personality (file injection) is not supported by novalab.');
  if (Array.isArray(body.trusted_image_certificates) && body.trusted_image_certificates.length > 0)
    throw badRequest('Image certificate validation is not supported by novalab.');
  if (typeof body.user_data === 'string' && !BASE64.test(body.user_data)) throw badRequest('Userdata content cannot be decoded');

  const found = await c.deps.glance.getImage(c.st.token, body.imageRef);
  if (!found) throw badRequest('Cannot find image for rebuild');
  if (found.status !== 'active') throw badRequest(`Image ${found.id} is not active.`);
  const image = imageMeta(found);
  // As at create: the new image must fit the server's flavor (memory, root disk, min_disk).
  checkImageFits(c, inst.flavor, image);
  const boot = await kernelAndRamdisk(c, image);

  const patch: InstancePatch = { image, ...boot };
  if (body.name !== undefined) patch.name = body.name.trim();
  if (body.metadata !== undefined) {
    const quota = await c.deps.conductor.call.quota_get(inst.project_id);
    const items = Object.keys(body.metadata).length;
    if (quota.metadata_items >= 0 && items > quota.metadata_items)
      throw forbidden(
        `Quota exceeded for metadata_items: Requested ${items}, but already used 0 of ${quota.metadata_items} metadata_items`,
      );
    patch.metadata = { ...body.metadata };
  }
  if (body.description !== undefined) patch.description = body.description;
  if (body.accessIPv4 !== undefined) patch.access_ip_v4 = body.accessIPv4;
  if (body.accessIPv6 !== undefined) patch.access_ip_v6 = shortIPv6(body.accessIPv6);
  if (body.hostname !== undefined) patch.hostname = body.hostname;
  if (atLeast(v, '2.54') && body.key_name !== undefined) {
    if (body.key_name === null) Object.assign(patch, { key_name: null, key_data: null });
    else {
      // The caller's own key pair, as Nova's: users own keys, projects own servers.
      const key = await c.deps.conductor.call.keypair_get(c.st.auth.user_id, body.key_name);
      if (!key) throw badRequest('Invalid key_name provided.');
      Object.assign(patch, { key_name: key.name, key_data: key.public_key });
    }
  }
  if (atLeast(v, '2.57') && body.user_data !== undefined) patch.user_data = body.user_data;

  const updated = await beginTask(c, inst, REBUILD, patch);
  await recordAction(c, inst, 'rebuild');
  const orig = { image: inst.image, kernel_id: inst.kernel_id ?? null, ramdisk_id: inst.ramdisk_id ?? null };
  // A new image goes through the conductor, whose scheduler checks it against this host (Nova's
  // host=None with _nova_check_type); the same image goes straight to the host.
  if (image.id !== inst.image.id) c.deps.conductor.cast.rebuild_instance(inst.uuid, orig);
  else c.deps.compute(inst.host!).cast.rebuild_instance(inst.uuid, orig);

  const opts = await viewOptions(c, true);
  opts.update = true;
  if (atLeast(v, '2.71')) opts.serverGroups = (await c.deps.conductor.call.server_group_list({ member: inst.uuid })).map((g) => g.id);
  const server = serverDetail(updated, opts);
  delete server['OS-EXT-SRV-ATTR:user_data']; // Nova's rebuild view leaves it out (user_data follows from 2.57)
  if (atLeast(v, '2.54')) server.key_name = updated.key_name; // shown from 2.54 even before 2.75's full view
  server.adminPass = adminPassword(body.adminPass);
  if (atLeast(v, '2.57')) server.user_data = updated.user_data;
  return { status: 202, headers: { Location: `${c.st.base}/v2.1/servers/${inst.uuid}` }, body: { server } };
}

/** {"rescue": {...}|null}: boots the rescue image (default: the server's own) with its disk second. */
export async function rescueServer(c: Call, inst: Instance): Promise<Reply> {
  const body = checkRescue(c.body).rescue ?? {};
  authorize(c, 'os_compute_api:os-rescue', inst);
  checkNotLocked(c, inst);
  let rescue = { image: inst.image, kernel_id: inst.kernel_id ?? null, ramdisk_id: inst.ramdisk_id ?? null };
  const ref = body.rescue_image_ref;
  if (ref !== undefined && ref !== inst.image.id) {
    const found = await c.deps.glance.getImage(c.st.token, ref);
    if (!found) throw badRequest(`Image ${ref} could not be found.`);
    if (found.status !== 'active') throw badRequest(`Image ${found.id} is not active.`);
    const image = imageMeta(found);
    rescue = { image, ...(await kernelAndRamdisk(c, image)) };
  }
  await beginTask(c, inst, RESCUE);
  await recordAction(c, inst, 'rescue');
  c.deps.compute(inst.host!).cast.rescue_instance(inst.uuid, rescue);
  return { status: 200, body: { adminPass: adminPassword(body.adminPass) } };
}

export async function unrescueServer(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:os-unrescue', inst);
  checkNotLocked(c, inst);
  await beginTask(c, inst, UNRESCUE);
  await recordAction(c, inst, 'unrescue');
  c.deps.compute(inst.host!).cast.unrescue_instance(inst.uuid);
  return empty(202);
}

/** {"lock": null|{locked_reason}}: the record only; the owner's later actions meet a 409. */
export async function lockServer(c: Call, inst: Instance): Promise<Reply> {
  const reason = atLeast(c.st.version, '2.73') ? (checkLock273(c.body).lock?.locked_reason ?? null) : null;
  authorize(c, 'os_compute_api:os-lock-server:lock', inst);
  await recordAction(c, inst, 'lock');
  const lockedBy = inst.project_id === c.st.auth.project_id ? 'owner' : 'admin';
  await c.deps.conductor.call.instance_update(inst.uuid, { locked: true, locked_by: lockedBy, locked_reason: reason });
  return empty(202);
}

export async function unlockServer(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:os-lock-server:unlock', inst);
  // A lock set by an admin (of another project) is lifted by an admin only.
  const expected = inst.project_id === c.st.auth.project_id ? 'owner' : 'admin';
  if (inst.locked_by && inst.locked_by !== expected && !allowed(c, 'os_compute_api:os-lock-server:unlock:unlock_override'))
    throw forbidden("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.");
  await recordAction(c, inst, 'unlock');
  await c.deps.conductor.call.instance_update(inst.uuid, { locked: false, locked_by: null, locked_reason: null });
  return empty(202);
}
