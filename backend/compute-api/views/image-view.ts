// The compute API's image proxy (GET /v2.1/images…, gone from 2.36): glance's images in
// Nova's old shape (pure).
import { isoTime, links } from './format.js';

import type { GlanceImage } from '../../../contract/openstack-api.js';

export type { GlanceImage };

const STATUS: Record<string, string> = {
  active: 'ACTIVE',
  queued: 'SAVING',
  saving: 'SAVING',
  uploading: 'SAVING',
  importing: 'SAVING',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  killed: 'ERROR',
  deactivated: 'ERROR',
};
const PROGRESS: Record<string, number> = { queued: 25, saving: 50, uploading: 25, importing: 50, active: 100 };

/** Glance's fixed keys; every other top-level key is a custom property. */
export const GLANCE_CORE_KEYS = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'os_hidden',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
  'container_format',
  'disk_format',
  'min_disk',
  'min_ram',
  'owner',
  'created_at',
  'updated_at',
  'tags',
  'file',
  'schema',
  'self',
  'locations',
  'direct_url',
  'stores',
]);

export function imageProperties(img: GlanceImage): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [k, val] of Object.entries(img)) {
    if (!GLANCE_CORE_KEYS.has(k) && val !== null && val !== undefined) props[k] = typeof val === 'string' ? val : JSON.stringify(val);
  }
  return props;
}

export function imageBasic(img: GlanceImage, base: string, glanceUrl: string): Record<string, unknown> {
  return { id: img.id, name: img.name, links: imageLinks(img.id, base, glanceUrl) };
}

function imageLinks(id: string, base: string, glanceUrl: string) {
  return [...links(base, 'images', id), { rel: 'alternate', type: 'application/vnd.openstack.image', href: `${glanceUrl}/images/${id}` }];
}

export function imageDetail(img: GlanceImage, base: string, glanceUrl: string): Record<string, unknown> {
  const metadata = imageProperties(img);
  const extra: Record<string, unknown> = {};
  // A snapshot links the server it was taken of; auto_disk_config shows as OS-DCF:diskConfig (as Nova's view).
  if (metadata.instance_uuid !== undefined)
    extra.server = { id: metadata.instance_uuid, links: links(base, 'servers', metadata.instance_uuid) };
  if (metadata.auto_disk_config !== undefined)
    extra['OS-DCF:diskConfig'] = /^(1|t|true|on|y|yes)$/i.test(metadata.auto_disk_config) ? 'AUTO' : 'MANUAL';
  return {
    ...extra,
    id: img.id,
    name: img.name,
    minRam: Number(img.min_ram ?? 0),
    minDisk: Number(img.min_disk ?? 0),
    metadata,
    created: isoTime(img.created_at as string),
    updated: isoTime(img.updated_at as string),
    status: STATUS[img.status] ?? 'UNKNOWN',
    progress: PROGRESS[img.status] ?? 0,
    'OS-EXT-IMG-SIZE:size': img.size ?? null,
    links: imageLinks(img.id, base, glanceUrl),
  };
}
