// PATCH /v2/images/{id}: the JSON-patch document parsed and applied to a record the way Glance
// does it — `add` sets, `replace` needs the key to exist, `remove` deletes extra properties only.
// Two forms, told apart by the media type: v2.1 (draft 10: {"op": "replace", "path": "/name"})
// and the older v2.0 (draft 4: {"replace": "/name"}, the operation's name holds the path). Pure.
import { badRequest, conflict, forbidden } from './errors.js';
import { assertPropertyQuota, assertSettable, isWritableCore, WRITABLE_CORE, type Caller, type ImageRecord } from './image-record.js';
import { validateImageShape } from './image-schema.js';

export const PATCH_MEDIA_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];
export type PatchDraft = 4 | 10;
const OPERATIONS = ['add', 'remove', 'replace'] as const;
type OpName = (typeof OPERATIONS)[number];

/** The JSON-schema draft a PATCH media type names (v2.0 → 4, v2.1 → 10). */
export const patchDraft = (mediaType: string | undefined): PatchDraft =>
  mediaType?.split(';')[0]?.trim().toLowerCase() === 'application/openstack-images-v2.0-json-patch' ? 4 : 10;

export type PatchOp = { op: 'add' | 'replace'; key: string; value: unknown } | { op: 'remove'; key: string };

/** JSON pointer with one segment ("/name", "/hw~1x" → "hw/x"); nested paths are refused. */
export function decodePath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw badRequest(`Invalid JSON pointer for this resource: '${String(path)}'`);
  const segment = path.slice(1);
  if (segment.includes('/') || segment === '')
    throw badRequest(`Invalid JSON pointer for this resource: '${path}' (nested paths are not allowed)`);
  if (/~[^01]|~$/.test(segment)) throw badRequest(`Invalid JSON pointer for this resource: '${path}'`);
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Draft 10: {"op": ..., "path": ...}. */
function opAndPathD10(raw: Record<string, unknown>): [OpName, unknown] {
  const { op } = raw;
  const available = OPERATIONS.join(', ');
  if (op === undefined || op === null)
    throw badRequest(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`);
  if (!(OPERATIONS as readonly unknown[]).includes(op))
    throw badRequest(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${available}.`);
  if (!('path' in raw)) throw badRequest("Unable to find 'path' in JSON Schema change");
  return [op as OpName, raw.path];
}

/** Draft 4: exactly one of "add" / "remove" / "replace", whose value is the path. */
function opAndPathD4(raw: Record<string, unknown>): [OpName, unknown] {
  const present = OPERATIONS.filter((k) => k in raw);
  if (present.length > 1) throw badRequest('Operation objects must contain only one member named "add", "remove", or "replace".');
  const [op] = present;
  if (op === undefined) throw badRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".');
  return [op, raw[op]];
}

export function parsePatch(body: unknown, draft: PatchDraft = 10): PatchOp[] {
  if (!Array.isArray(body)) throw badRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Operations must be JSON objects.');
    const [op, path] = draft === 4 ? opAndPathD4(raw as Record<string, unknown>) : opAndPathD10(raw as Record<string, unknown>);
    const key = decodePath(path);
    if (op === 'remove') return { op, key };
    if (!('value' in raw)) throw badRequest(`Operation "${op}" requires a member named "value".`);
    return { op, key, value: (raw as { value: unknown }).value };
  });
}

/** The writable view of an image: what the schema checks after a patch. */
function writableView(rec: ImageRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { ...rec.properties };
  for (const k of WRITABLE_CORE) view[k] = rec[k];
  return view;
}

function applyOne(rec: ImageRecord, op: PatchOp): void {
  assertSettable(op.key);
  if (isWritableCore(op.key)) {
    if (op.op === 'remove') throw forbidden(`Property ${op.key} may not be removed.`);
    if ((op.key === 'disk_format' || op.key === 'container_format') && rec.status !== 'queued' && rec[op.key] !== op.value) {
      throw forbidden(`Attribute ${op.key} can be only replaced for a queued image.`);
    }
    (rec as unknown as Record<string, unknown>)[op.key] = op.value;
    return;
  }
  const exists = Object.hasOwn(rec.properties, op.key);
  if (op.op !== 'add' && !exists) throw conflict(`Property ${op.key} does not exist.`);
  if (op.op === 'remove' || op.value === null) delete rec.properties[op.key];
  else rec.properties[op.key] = op.value as string;
}

/** Apply every operation or none: the result is a new record, the input is untouched. */
export function applyPatch(rec: ImageRecord, ops: PatchOp[], caller: Caller, now = new Date().toISOString()): ImageRecord {
  const next: ImageRecord = structuredClone(rec);
  for (const op of ops) applyOne(next, op);
  // Values checked before any rule reads them (a string "min_ram" must be a 400, not a crash).
  const view = writableView(next);
  for (const [k, v] of Object.entries(view)) if (v === null && !isWritableCore(k)) delete view[k];
  validateImageShape(view);
  if (next.visibility === 'public' && rec.visibility !== 'public' && !caller.is_admin) {
    throw forbidden('You are not authorized to complete publicize_image action.');
  }
  if (next.owner !== rec.owner && !caller.is_admin && next.owner !== caller.project_id) {
    throw forbidden(`You are not permitted to modify 'owner' on this image.`);
  }
  next.tags = [...new Set(next.tags)];
  assertPropertyQuota(next);
  next.updated_at = now;
  return next;
}
