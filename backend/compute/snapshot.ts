// Snapshots and backups on the instance's host (Nova's compute manager _snapshot_instance):
// the driver copies the guest's disk into a standalone file, nova-compute gives the queued
// glance image its format and uploads the bytes (glance: saving → active). Task states as
// Nova's: image_snapshot → image_pending_upload → image_uploading → none. The image deleted
// meanwhile ends the snapshot quietly; any other failure deletes the half-made image.
import fs from 'node:fs';
import type { TaskState } from '../../contract/model.js';
import { currentContext } from '../bus/client.js';
import type { ComputeContext } from './compute-context.js';
import { msg, summaryOf } from '../../contract/messages.js';
import { ImageGone, type ImageSummary } from './glance-writer.js';

/** The task states an upload passes through: a snapshot's, or a shelve's. */
export interface UploadStates {
  pending: Exclude<TaskState, null>;
  uploading: Exclude<TaskState, null>;
}
export const SNAPSHOT_STATES: UploadStates = { pending: 'image_pending_upload', uploading: 'image_uploading' };
export const SHELVE_STATES: UploadStates = { pending: 'shelving_image_pending_upload', uploading: 'shelving_image_uploading' };

/** Copy the disk and upload it into `imageId`; the instance must be in task `from`. */
export async function copyAndUpload(
  c: ComputeContext,
  uuid: string,
  imageId: string,
  from: TaskState,
  states: UploadStates,
): Promise<void> {
  await c.conductor.instance_update(uuid, { task_state: states.pending }, { task_state: [from] });
  c.publish({
    kind: 'progress',
    ...summaryOf(msg('progress.snapshotCopy', { host: c.host, driver: c.driver.name, uuid, image: imageId })),
  });
  const snap = await c.driver.snapshot(uuid);
  try {
    await c.conductor.instance_update(uuid, { task_state: states.uploading }, { task_state: [states.pending] });
    const size = fs.statSync(snap.file).size;
    c.publish({
      kind: 'progress',
      ...summaryOf(msg('progress.snapshotUpload', { host: c.host, bytes: size, format: snap.format, image: imageId })),
    });
    await c.glance.setFormats(imageId, snap.format);
    await c.glance.upload(imageId, snap.file);
  } finally {
    fs.rmSync(snap.file, { force: true });
  }
}

/** Pure: which backups a rotation deletes: all but the newest `rotation` (Nova's _rotate_backups). */
export function backupsToDelete(newestFirst: ImageSummary[], rotation: number): string[] {
  return newestFirst.slice(Math.max(rotation, 0)).map((i) => i.id);
}

export interface SnapshotJob {
  imageId: string;
  /** The task nova-api set: image_snapshot_pending (createImage) or image_backup (createBackup). */
  from: 'image_snapshot_pending' | 'image_backup';
  backup?: { type: string; rotation: number };
}

export async function snapshotInstance(c: ComputeContext, uuid: string, job: SnapshotJob): Promise<void> {
  const rid = currentContext()?.request_id ?? `req-${uuid}`;
  const event = job.backup ? 'compute_backup_instance' : 'compute_snapshot_instance';
  await c.conductor.action_event_start(uuid, rid, event, c.host).catch(() => undefined);
  try {
    let from: TaskState = job.from;
    if (!job.backup) {
      await c.conductor.instance_update(uuid, { task_state: 'image_snapshot' }, { task_state: ['image_snapshot_pending'] });
      from = 'image_snapshot';
    }
    await copyAndUpload(c, uuid, job.imageId, from, SNAPSHOT_STATES);
    await c.conductor.instance_update(uuid, { task_state: null }, { task_state: [SNAPSHOT_STATES.uploading] });
    if (job.backup) await rotateBackups(c, uuid, job.backup.type, job.backup.rotation);
    await c.conductor.action_event_finish(uuid, rid, event, 'Success', `image ${job.imageId} uploaded`);
  } catch (err) {
    const e = err as Error;
    if (err instanceof ImageGone) c.log.warn(`image ${job.imageId} was deleted during the snapshot of ${uuid}`);
    else {
      c.log.error(`snapshot of ${uuid} into ${job.imageId} failed: ${e.message}`);
      await c.glance.delete(job.imageId).catch(() => undefined);
    }
    await c.conductor.action_event_finish(uuid, rid, event, 'Error', e.message, e.stack ?? null).catch(() => undefined);
    await clearSnapshotTask(c, uuid);
  }
}

/** Back to no task, unless a delete took the instance over meanwhile. */
async function clearSnapshotTask(c: ComputeContext, uuid: string): Promise<void> {
  await c.conductor
    .instance_update(
      uuid,
      { task_state: null },
      { task_state: ['image_snapshot_pending', 'image_snapshot', 'image_backup', ...Object.values(SNAPSHOT_STATES)] },
    )
    .catch(() => undefined);
}

async function rotateBackups(c: ComputeContext, uuid: string, type: string, rotation: number): Promise<void> {
  const backups = await c.glance.listByProperties({ image_type: 'backup', backup_type: type, instance_uuid: uuid });
  for (const id of backupsToDelete(backups, rotation)) {
    c.log.info(`rotating out backup ${id} of ${uuid} (${type}, rotation ${rotation})`);
    await c.glance.delete(id);
  }
}
