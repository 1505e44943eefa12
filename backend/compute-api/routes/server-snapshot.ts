// The server actions that make images, and shelving (POST /servers/{id}/action):
// createImage and createBackup create the glance record here, with the caller's token, set
// the instance's task (compare-and-set) and cast the copy to the instance's nova-compute;
// shelve does the same with the "<name>-shelved" image, shelveOffload frees the host and
// unshelve asks the conductor to bring the instance back (scheduling it again when offloaded).
import type { Instance, TaskState, VmState } from '../../../contract/model.js';
import { BusFailure } from '../../bus/errors.js';
import { ApiFault, badRequest, conflict, forbidden } from '../faults.js';
import { authorize, empty, ok, type Call, type Reply } from '../http/kit.js';
import { atLeast } from '../microversion.js';
import { invalidStateMessage } from '../server-state.js';
import { sharingMember, snapshotImageBody } from '../snapshot-image.js';
import { checkCreateBackup, checkCreateImage, checkUnshelve277 } from '../snapshot-schemas.js';
import { computeDown, computeUp, recordAction, visibleInstance } from './server-common.js';

/** The actions this module answers. */
export const SNAPSHOT_ACTIONS = new Set(['createImage', 'createBackup', 'shelve', 'shelveOffload', 'unshelve']);

const SNAPSHOTTABLE: VmState[] = ['active', 'stopped', 'paused', 'suspended'];

/** Up to 2.38 the image's metadata counts against the metadata_items quota (Nova's check_img_metadata_properties_quota). */
async function checkMetadataQuota(c: Call, metadata: Record<string, string>): Promise<void> {
  if (atLeast(c.st.version, '2.39') || Object.keys(metadata).length === 0) return;
  const quota = await c.deps.conductor.call.quota_get(c.st.auth.project_id);
  if (quota.metadata_items >= 0 && Object.keys(metadata).length > quota.metadata_items) throw forbidden('Image metadata limit exceeded');
}

/** Set the task if the instance is (still) in an allowed state; Nova's 409 otherwise. */
async function claimTask(c: Call, inst: Instance, action: string, vmStates: VmState[], task: Exclude<TaskState, null>): Promise<void> {
  const a = { action, vmStates, taskStates: [null] as TaskState[] };
  const wrong = invalidStateMessage(a, inst.uuid, inst.vm_state, inst.task_state);
  if (wrong) throw conflict(wrong);
  try {
    await c.deps.conductor.call.instance_update(inst.uuid, { task_state: task }, { vm_state: vmStates, task_state: [null] });
  } catch (err) {
    if (!(err instanceof BusFailure) || (err.code !== 409 && err.code !== 404)) throw err;
    const now = await c.deps.conductor.call.instance_get(inst.uuid);
    throw conflict(
      (now && invalidStateMessage(a, inst.uuid, now.vm_state, now.task_state)) ??
        `Cannot '${action}' instance ${inst.uuid}: its state changed meanwhile`,
    );
  }
}

/** Nova checks the state before anything else: a server still building is refused as such. */
function checkState(inst: Instance, action: string, vmStates: VmState[]): void {
  const wrong = invalidStateMessage({ action, vmStates, taskStates: [null] }, inst.uuid, inst.vm_state, inst.task_state);
  if (wrong) throw conflict(wrong);
}

async function requireHost(c: Call, inst: Instance, action: string): Promise<string> {
  if (!inst.host) throw conflict(`Cannot '${action}' instance ${inst.uuid}: it has no host`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  return inst.host;
}

/** The glance record, then the task; a task refused deletes the record again (nothing half-done). */
async function imageAndTask(
  c: Call,
  inst: Instance,
  action: string,
  vmStates: VmState[],
  task: Exclude<TaskState, null>,
  body: Record<string, unknown>,
): Promise<string> {
  checkState(inst, action, vmStates);
  const image = await c.deps.glance.createImage(c.st.token, body);
  try {
    const member = sharingMember(inst, c.st.auth.project_id);
    if (member) await c.deps.glance.addMember(c.st.token, image.id, member);
    await claimTask(c, inst, action, vmStates, task);
  } catch (err) {
    await c.deps.glance.deleteImage(c.st.token, image.id).catch(() => undefined);
    throw err;
  }
  return image.id;
}

/** 202 with the image's glance URL (Location) before 2.45, its id in the body from 2.45. */
function imageReply(c: Call, imageId: string, withLocation = true): Reply {
  if (atLeast(c.st.version, '2.45')) return ok({ image_id: imageId }, 202);
  return withLocation ? { status: 202, headers: { Location: `${c.deps.settings.glanceUrl}/images/${imageId}` } } : empty(202);
}

async function createImage(c: Call): Promise<Reply> {
  const { name, metadata = {} } = checkCreateImage(c.body).createImage;
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:servers:create_image', inst);
  await checkMetadataQuota(c, metadata);
  checkState(inst, 'createImage', SNAPSHOTTABLE);
  const host = await requireHost(c, inst, 'createImage');
  const body = snapshotImageBody(inst, {
    name: name.trim(),
    type: 'snapshot',
    user_id: c.st.auth.user_id,
    project_id: c.st.auth.project_id,
    extra: metadata,
  });
  const imageId = await imageAndTask(c, inst, 'createImage', SNAPSHOTTABLE, 'image_snapshot_pending', body);
  await recordAction(c, inst, 'createImage');
  c.deps.compute(host).cast.snapshot_instance(inst.uuid, imageId);
  return imageReply(c, imageId);
}

async function createBackup(c: Call): Promise<Reply> {
  const b = checkCreateBackup(c.body).createBackup;
  const metadata = b.metadata ?? {};
  const rotation = Number(b.rotation);
  await checkMetadataQuota(c, metadata);
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:os-create-backup', inst);
  checkState(inst, 'createBackup', SNAPSHOTTABLE);
  const host = await requireHost(c, inst, 'createBackup');
  const body = snapshotImageBody(inst, {
    name: b.name.trim(),
    type: 'backup',
    user_id: c.st.auth.user_id,
    project_id: c.st.auth.project_id,
    extra: { ...metadata, backup_type: b.backup_type },
  });
  const imageId = await imageAndTask(c, inst, 'createBackup', SNAPSHOTTABLE, 'image_backup', body);
  await recordAction(c, inst, 'createBackup');
  c.deps.compute(host).cast.backup_instance(inst.uuid, imageId, b.backup_type, rotation);
  // A rotation of 0 deletes the backup at once: no Location to follow.
  return imageReply(c, imageId, rotation > 0);
}

async function shelve(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:os-shelve:shelve', inst);
  checkState(inst, 'shelve', SNAPSHOTTABLE);
  const host = await requireHost(c, inst, 'shelve');
  const body = snapshotImageBody(inst, {
    name: `${inst.name}-shelved`,
    type: 'snapshot',
    user_id: c.st.auth.user_id,
    project_id: c.st.auth.project_id,
    extra: {},
  });
  const imageId = await imageAndTask(c, inst, 'shelve', SNAPSHOTTABLE, 'shelving', body);
  await recordAction(c, inst, 'shelve');
  c.deps.compute(host).cast.shelve_instance(inst.uuid, imageId);
  return empty(202);
}

async function shelveOffload(c: Call, inst: Instance): Promise<Reply> {
  authorize(c, 'os_compute_api:os-shelve:shelve_offload', inst);
  checkState(inst, 'shelveOffload', ['shelved']);
  const host = await requireHost(c, inst, 'shelveOffload');
  await claimTask(c, inst, 'shelveOffload', ['shelved'], 'shelving_offloading');
  await recordAction(c, inst, 'shelveOffload');
  c.deps.compute(host).cast.shelve_offload_instance(inst.uuid);
  return empty(202);
}

async function unshelve(c: Call, inst: Instance): Promise<Reply> {
  const zone = atLeast(c.st.version, '2.77') ? (checkUnshelve277(c.body).unshelve?.availability_zone ?? null) : null;
  authorize(c, 'os_compute_api:os-shelve:unshelve', inst);
  if (zone !== null && inst.vm_state !== 'shelved_offloaded')
    throw conflict(
      `The unshelve action on a server with vm_state ${inst.vm_state} cannot name an availability zone: it is still on its host.`,
    );
  if (inst.vm_state === 'shelved') await requireHost(c, inst, 'unshelve');
  await claimTask(c, inst, 'unshelve', ['shelved', 'shelved_offloaded'], 'unshelving');
  await recordAction(c, inst, 'unshelve');
  c.deps.conductor.cast.unshelve_instance(inst.uuid, zone);
  return empty(202);
}

/** POST /servers/{id}/action for the keys in SNAPSHOT_ACTIONS. */
export async function snapshotAction(c: Call, key: string): Promise<Reply> {
  // createImage and createBackup validate their body before the server is looked up, as Nova.
  if (key === 'createImage') return createImage(c);
  if (key === 'createBackup') return createBackup(c);
  const inst = await visibleInstance(c, c.params.id!);
  if (key === 'shelve') return shelve(c, inst);
  if (key === 'shelveOffload') return shelveOffload(c, inst);
  if (key === 'unshelve') return unshelve(c, inst);
  throw badRequest(`There is no such action: ${key}`);
}

/** A deleted shelved server's snapshot goes with it (Nova deletes the shelved image). */
export async function deleteShelveImage(c: Call, inst: Instance): Promise<void> {
  if ((inst.vm_state !== 'shelved' && inst.vm_state !== 'shelved_offloaded') || !inst.shelved_image_id) return;
  await c.deps.glance.deleteImage(c.st.token, inst.shelved_image_id).catch((err: Error) => {
    if (!(err instanceof ApiFault)) throw err;
  });
}
