// Pure: the glance record nova-api creates for a snapshot, a backup or a shelve of an
// instance, as Nova's compute.utils.create_image: the instance's image properties inherited
// (less those never inherited), min_ram and min_disk as the instance booted with them, and
// instance_uuid, user_id, image_type, base_image_ref; the caller's metadata last. Formats are
// left out: nova-compute sets them with the bytes. Another project's caller (an admin) makes
// the image shared, and nova-api then adds the instance's project as a member (Nova's
// instance_owner, which glance never stores).
import type { Instance } from '../../contract/model.js';

/** Never inherited (Nova's non_inheritable_image_properties default and NON_INHERITABLE_IMAGE_PROPERTIES). */
export const NON_INHERITABLE = new Set([
  'cache_in_nova',
  'bittorrent',
  'cinder_encryption_key_id',
  'cinder_encryption_key_deletion_policy',
  'img_signature',
  'img_signature_hash_method',
  'img_signature_key_type',
  'img_signature_certificate_uuid',
]);
const NON_INHERITABLE_PREFIXES = ['os_glance'];

export interface SnapshotRequest {
  name: string;
  type: 'snapshot' | 'backup';
  /** The caller: its user is recorded; another project's caller makes the image shared. */
  user_id: string;
  project_id: string;
  /** The request's metadata (and backup_type for a backup): they win over inherited ones. */
  extra: Record<string, string>;
}

/** The project to add as a member of the new image, when the caller is not the instance's. */
export const sharingMember = (inst: Pick<Instance, 'project_id'>, callerProject: string): string | null =>
  callerProject === inst.project_id ? null : inst.project_id;

export function snapshotImageBody(
  inst: Pick<Instance, 'uuid' | 'project_id' | 'image' | 'flavor'>,
  r: SnapshotRequest,
): Record<string, unknown> {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(inst.image.properties)) {
    if (NON_INHERITABLE.has(k) || NON_INHERITABLE_PREFIXES.some((p) => k.startsWith(p))) continue;
    props[k] = v;
  }
  // Nova's image_base_image_ref: set at boot unless the image carried one (a snapshot's own).
  props.base_image_ref ??= inst.image.id;
  const other = r.project_id !== inst.project_id;
  Object.assign(props, { instance_uuid: inst.uuid, user_id: r.user_id, image_type: r.type }, r.extra);
  return {
    ...props,
    name: r.name,
    visibility: other ? 'shared' : 'private',
    min_ram: inst.image.min_ram ?? 0,
    // At boot Nova records min_disk as at least the flavor's root disk.
    min_disk: Math.max(inst.image.min_disk ?? 0, inst.flavor.disk),
  };
}
