// What the image service stores for one image, the vocabulary around it, and how a create
// request becomes a record. Pure: no files, no HTTP.
import { randomUUID } from 'node:crypto';
import { badRequest, forbidden, GlanceError } from './errors.js';
import { validateImageShape } from './image-schema.js';
import { DISK_FORMATS, type DiskFormat } from '../../contract/disk-formats.js';

export { DISK_FORMATS, type DiskFormat };

export const CONTAINER_FORMATS = ['bare', 'ovf', 'aki', 'ari', 'ami'] as const;
export const VISIBILITIES = ['public', 'private', 'shared', 'community'] as const;
export const STATUSES = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'pending_delete',
  'deactivated',
  'uploading',
  'importing',
] as const;

export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type ImageStatus = (typeof STATUSES)[number];

export interface ImageRecord {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: Visibility;
  protected: boolean;
  os_hidden: boolean;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  size: number | null;
  virtual_size: number | null;
  container_format: ContainerFormat | null;
  disk_format: DiskFormat | null;
  min_disk: number;
  min_ram: number;
  owner: string | null;
  /** Full ISO time with milliseconds (a stable sort order); served without them. */
  created_at: string;
  updated_at: string;
  tags: string[];
  /** Extra properties (architecture, hw_*, kernel_id …): served flattened, always strings. */
  properties: Record<string, string>;
  /** novalab only, never served: the lab-image file this image was copied from. */
  lab_source?: { path: string; size: number; mtime_ms: number };
}

/** Core attributes a user may set (on create, and by PATCH). */
export const WRITABLE_CORE = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'container_format',
  'disk_format',
  'min_disk',
  'min_ram',
  'owner',
  'tags',
] as const;
type WritableCore = (typeof WRITABLE_CORE)[number];

/** Attributes the service computes; setting one is a 403, as in Glance. */
export const READ_ONLY = new Set([
  'status',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
  'created_at',
  'updated_at',
  'file',
  'schema',
  'self',
  'direct_url',
]);
/** Reserved names: never settable, never stored. */
export const RESERVED = new Set(['id_', 'location', 'locations', 'deleted', 'deleted_at', 'stores']);
export const RESERVED_PREFIX = 'os_glance';

/** Glance's default image_property_quota. */
export const MAX_PROPERTIES = 128;

export interface Caller {
  project_id: string;
  is_admin: boolean;
}

export const isWritableCore = (key: string): key is WritableCore => (WRITABLE_CORE as readonly string[]).includes(key);

/** 403 for keys nobody may set; used by create and by PATCH. */
export function assertSettable(key: string): void {
  if (READ_ONLY.has(key)) throw forbidden(`Attribute '${key}' is read-only.`);
  if (key === 'id') throw forbidden(`Attribute 'id' is read-only.`);
  if (RESERVED.has(key) || key.startsWith(RESERVED_PREFIX)) throw forbidden(`Attribute '${key}' is reserved.`);
}

/** Publicizing is admin-only (Glance's publicize_image policy); owners are checked too. */
export function assertMayPlace(caller: Caller, visibility: Visibility, owner: string | null): void {
  if (visibility === 'public' && !caller.is_admin) {
    throw forbidden('You are not authorized to complete publicize_image action.');
  }
  if (!caller.is_admin && owner !== caller.project_id) {
    throw forbidden(`You are not permitted to create images owned by '${owner}'.`);
  }
}

export function assertPropertyQuota(rec: Pick<ImageRecord, 'properties'>): void {
  const n = Object.keys(rec.properties).length;
  if (n > MAX_PROPERTIES)
    throw new GlanceError(413, `Maximum number of image properties exceeded: attempted ${n}, maximum ${MAX_PROPERTIES}.`);
}

/** Glance's time format: seconds, Z. */
export const apiTime = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

/** A POST /v2/images body in, a queued record out (or the error Glance would give). */
export function imageFromCreate(
  body: unknown,
  caller: Caller,
  now = new Date().toISOString(),
  newId: () => string = randomUUID,
): ImageRecord {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('Body expected in request: a JSON object describing the image.');
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input)) if (key !== 'id') assertSettable(key);
  validateImageShape(input);
  const rec: ImageRecord = {
    id: typeof input.id === 'string' ? input.id.toLowerCase() : newId(),
    name: (input.name as string | null | undefined) ?? null,
    status: 'queued',
    visibility: (input.visibility as Visibility | undefined) ?? 'shared',
    protected: (input.protected as boolean | undefined) ?? false,
    os_hidden: (input.os_hidden as boolean | undefined) ?? false,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    size: null,
    virtual_size: null,
    container_format: (input.container_format as ContainerFormat | null | undefined) ?? null,
    disk_format: (input.disk_format as DiskFormat | null | undefined) ?? null,
    min_disk: (input.min_disk as number | undefined) ?? 0,
    min_ram: (input.min_ram as number | undefined) ?? 0,
    owner: input.owner === undefined ? caller.project_id : (input.owner as string | null),
    created_at: now,
    updated_at: now,
    tags: [...new Set((input.tags as string[] | undefined) ?? [])],
    properties: {},
  };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id' || isWritableCore(key) || value === null) continue;
    rec.properties[key] = value as string;
  }
  assertMayPlace(caller, rec.visibility, rec.owner);
  assertPropertyQuota(rec);
  return rec;
}
