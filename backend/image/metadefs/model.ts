// What glance keeps for metadata definitions — namespaces and, inside each, its objects,
// properties, tags and resource-type associations — how request bodies are checked (against
// the served schemas, as Glance does) and how records are served. Pure.
import { Ajv, type ValidateFunction } from 'ajv';
import { badRequest, forbidden } from '../errors.js';
import { apiTime } from '../image-record.js';
import { NAMESPACE_SCHEMA, OBJECT_SCHEMA, PROPERTY_SCHEMA, RESOURCE_TYPE_SCHEMA, TAG_SCHEMA } from './schemas.js';

type Stamps = { created_at: string; updated_at: string };
/** A property definition: a JSON-schema fragment (title, type, enum …), kept as sent. */
export type PropertyDef = Record<string, unknown>;
export interface ObjectRecord extends Stamps {
  name: string;
  description?: string;
  required?: string[];
  properties?: Record<string, PropertyDef>;
}
export interface TagRecord extends Stamps {
  name: string;
}
export interface AssociationRecord extends Stamps {
  name: string;
  prefix?: string;
  properties_target?: string;
}
export interface NamespaceRecord extends Stamps {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility?: 'public' | 'private';
  protected?: boolean;
  owner?: string;
  objects: ObjectRecord[];
  properties: Record<string, PropertyDef>;
  tags: TagRecord[];
  resource_type_associations: AssociationRecord[];
}
export interface ResourceTypeRecord extends Stamps {
  name: string;
  protected: boolean;
}
export interface MetadefsDb {
  namespaces: Record<string, NamespaceRecord>;
  resource_types: Record<string, ResourceTypeRecord>;
}

/**
 * The resource types a fresh lab knows: those of the services it runs, as Glance's shipped
 * definitions name them (glance-manage db_load_metadefs). Others are created on first use.
 */
export const SEED_RESOURCE_TYPES = [
  'OS::Glance::Image',
  'OS::Nova::Flavor',
  'OS::Nova::Server',
  'OS::Nova::Aggregate',
  'OS::Cinder::Volume',
];

export function emptyMetadefs(now = new Date().toISOString()): MetadefsDb {
  const resource_types: Record<string, ResourceTypeRecord> = {};
  for (const name of SEED_RESOURCE_TYPES) resource_types[name] = { name, protected: true, created_at: now, updated_at: now };
  return { namespaces: {}, resource_types };
}

const SCHEMAS = {
  namespace: NAMESPACE_SCHEMA,
  object: OBJECT_SCHEMA,
  property: PROPERTY_SCHEMA,
  tag: TAG_SCHEMA,
  resource_type_association: RESOURCE_TYPE_SCHEMA,
};
type Kind = keyof typeof SCHEMAS;
// Compiled on first use: compiling all five at import cost glance ~100 ms of CPU at every lab start.
let ajv: Ajv | null = null;
const checkers = new Map<Kind, ValidateFunction>();
function checkerFor(kind: Kind): ValidateFunction {
  let check = checkers.get(kind);
  if (!check) {
    ajv ??= new Ajv({ strict: false, allErrors: false, validateFormats: false });
    check = ajv.compile(SCHEMAS[kind]);
    checkers.set(kind, check);
  }
  return check;
}
const READ_ONLY: Record<Kind, string[]> = {
  namespace: ['created_at', 'updated_at', 'schema', 'self'],
  object: ['created_at', 'updated_at', 'schema', 'self'],
  property: ['created_at', 'updated_at'],
  tag: ['created_at', 'updated_at'],
  resource_type_association: ['created_at', 'updated_at'],
};

/** A request body checked as Glance does: an object, no read-only keys (403), the schema (400). */
export function checkBody(kind: Kind, body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw badRequest('Body expected in request.');
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest(`Provided object does not match schema '${kind}': not an object`);
  const o = body as Record<string, unknown>;
  for (const k of READ_ONLY[kind]) if (k in o) throw forbidden(`Attribute '${k}' is read-only.`);
  const check = checkerFor(kind);
  if (!check(o)) {
    const err = check.errors?.[0];
    const where = err?.instancePath ? `${err.instancePath.slice(1).replace(/\//g, '.')} ` : '';
    const extra =
      err?.keyword === 'additionalProperties' ? ` ('${(err.params as { additionalProperty: string }).additionalProperty}')` : '';
    throw badRequest(`Provided object does not match schema '${kind}': ${where}${err?.message ?? 'is invalid'}${extra}`);
  }
  return o;
}

/** Set an own key, even one named "__proto__" (a plain assignment would change the prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const stamps = (now: string): Stamps => ({ created_at: now, updated_at: now });

export function objectFromBody(o: Record<string, unknown>, now: string, was?: Stamps): ObjectRecord {
  return {
    name: o.name as string,
    ...(str(o.description) !== undefined ? { description: o.description as string } : {}),
    ...(Array.isArray(o.required) ? { required: o.required as string[] } : {}),
    ...(o.properties ? { properties: o.properties as Record<string, PropertyDef> } : {}),
    ...(was ? { created_at: was.created_at, updated_at: now } : stamps(now)),
  };
}

export function associationFromBody(o: Record<string, unknown>, now: string): AssociationRecord {
  return {
    name: o.name as string,
    ...(str(o.prefix) !== undefined ? { prefix: o.prefix as string } : {}),
    ...(str(o.properties_target) !== undefined ? { properties_target: o.properties_target as string } : {}),
    ...stamps(now),
  };
}

/** A property definition as stored: everything but its name (the key it is stored under). */
export function propertyFromBody(o: Record<string, unknown>): PropertyDef {
  const { name: _name, ...def } = o;
  return def;
}

/** POST /v2/metadefs/namespaces body → a namespace with its nested definitions. */
export function namespaceFromBody(o: Record<string, unknown>, owner: string, now: string): NamespaceRecord {
  const nested = (k: string) => (Array.isArray(o[k]) ? (o[k] as Record<string, unknown>[]) : []);
  return {
    namespace: o.namespace as string,
    ...(str(o.display_name) !== undefined ? { display_name: o.display_name as string } : {}),
    ...(str(o.description) !== undefined ? { description: o.description as string } : {}),
    visibility: (o.visibility as 'public' | 'private' | undefined) ?? 'private',
    protected: (o.protected as boolean | undefined) ?? false,
    owner: str(o.owner) ?? owner,
    objects: nested('objects').map((x) => objectFromBody(checkBody('object', x), now)),
    properties: Object.fromEntries(
      Object.entries((o.properties as Record<string, Record<string, unknown>> | undefined) ?? {}).map(([k, v]) => [k, propertyFromBody(v)]),
    ),
    tags: nested('tags').map((x) => ({ name: checkBody('tag', x).name as string, ...stamps(now) })),
    resource_type_associations: nested('resource_type_associations').map((x) =>
      associationFromBody(checkBody('resource_type_association', x), now),
    ),
    ...stamps(now),
  };
}

export const namespaceHref = (ns: string) => `/v2/metadefs/namespaces/${ns}`;

export const toApiTag = (t: TagRecord) => ({ name: t.name, created_at: apiTime(t.created_at), updated_at: apiTime(t.updated_at) });
export const toApiAssociation = (a: AssociationRecord) => ({
  name: a.name,
  ...(a.prefix !== undefined ? { prefix: a.prefix } : {}),
  ...(a.properties_target !== undefined ? { properties_target: a.properties_target } : {}),
  created_at: apiTime(a.created_at),
  updated_at: apiTime(a.updated_at),
});
export const toApiProperty = (name: string, def: PropertyDef) => ({ name, ...def });
export const toApiObject = (ns: string, o: ObjectRecord) => ({
  name: o.name,
  ...(o.description !== undefined ? { description: o.description } : {}),
  ...(o.required !== undefined ? { required: o.required } : {}),
  ...(o.properties !== undefined ? { properties: o.properties } : {}),
  created_at: apiTime(o.created_at),
  updated_at: apiTime(o.updated_at),
  schema: '/v2/schemas/metadefs/object',
  self: `${namespaceHref(ns)}/objects/${o.name}`,
});

/**
 * A namespace as Glance serves it: unset fields left out; a list entry carries its
 * resource-type associations, a single show also its objects, properties and tags.
 */
export function toApiNamespace(n: NamespaceRecord, detail: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { namespace: n.namespace };
  for (const k of ['display_name', 'description', 'visibility', 'protected', 'owner'] as const) if (n[k] !== undefined) out[k] = n[k];
  Object.assign(out, {
    created_at: apiTime(n.created_at),
    updated_at: apiTime(n.updated_at),
    schema: '/v2/schemas/metadefs/namespace',
    self: namespaceHref(n.namespace),
  });
  if (n.resource_type_associations.length) out.resource_type_associations = n.resource_type_associations.map(toApiAssociation);
  if (detail) {
    if (Object.keys(n.properties).length)
      out.properties = Object.fromEntries(Object.entries(n.properties).map(([k, v]) => [k, toApiProperty(k, v)]));
    if (n.objects.length) out.objects = n.objects.map((o) => toApiObject(n.namespace, o));
    if (n.tags.length) out.tags = n.tags.map(toApiTag);
  }
  return out;
}
