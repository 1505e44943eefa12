// The metadefs API's operations apart from HTTP, with Glance's default policy: anyone reads
// public namespaces and their own project's; only admins write. Each write changes a copy of
// the definitions and stores it whole, so a refused request leaves nothing half-done.
import { badRequest, conflict, forbidden, GlanceError } from '../errors.js';
import type { Caller } from '../image-record.js';
import type { ImageStore } from '../store.js';
import {
  associationFromBody,
  checkBody,
  namespaceFromBody,
  objectFromBody,
  propertyFromBody,
  setOwn,
  type AssociationRecord,
  type MetadefsDb,
  type NamespaceRecord,
  type ObjectRecord,
  type PropertyDef,
  type TagRecord,
} from './model.js';

const nsNotFound = (ns: string) => new GlanceError(404, `Metadata definition namespace=${ns} was not found.`);
const notIn = (what: string, name: string, ns: string) =>
  new GlanceError(404, `The metadata definition ${what} with name=${name} was not found in namespace=${ns}.`);
const dupIn = (what: string, name: string, ns: string) =>
  conflict(`A metadata definition ${what} with name=${name} already exists in namespace=${ns}.`);

/** Definitions inside a protected namespace cannot be deleted either. */
function assertUnprotected(n: NamespaceRecord, what: string, name: string): void {
  if (n.protected) throw forbidden(`Metadata definition ${what} ${name} is protected and cannot be deleted.`);
}

/** Glance's metadef_admin rule: writes are admin-only by default. */
function assertAdmin(caller: Caller, action: string): void {
  if (!caller.is_admin) throw forbidden(`You are not authorized to complete ${action} action.`);
}

/** get_metadef_namespace: admin, a public namespace, or the caller's project's own. */
export const canSeeNamespace = (caller: Caller, n: Pick<NamespaceRecord, 'visibility' | 'owner'>) =>
  caller.is_admin || n.visibility === 'public' || (n.owner !== undefined && n.owner === caller.project_id);

/** The query string as express's simple parser gives it: a repeated key is a list. */
type QueryValue = string | string[] | undefined;
export interface NamespaceQuery {
  visibility?: QueryValue;
  resource_types?: QueryValue;
  limit?: QueryValue;
  marker?: QueryValue;
}
const one = (v: QueryValue) => (Array.isArray(v) ? v[v.length - 1] : v);

export class MetadefService {
  constructor(private readonly store: ImageStore) {}

  private get db(): MetadefsDb {
    return this.store.metadefs();
  }

  /** A namespace the caller may see, or 404 (another project's private one is not revealed). */
  namespace(name: string, caller: Caller): NamespaceRecord {
    const n = Object.hasOwn(this.db.namespaces, name) ? this.db.namespaces[name] : undefined;
    if (!n || !canSeeNamespace(caller, n)) throw nsNotFound(name);
    return n;
  }

  /** Look up (as the caller sees it), check the admin rule, change a copy, store it. */
  private async change<T>(name: string, caller: Caller, action: string, fn: (n: NamespaceRecord, db: MetadefsDb) => T): Promise<T> {
    this.namespace(name, caller);
    assertAdmin(caller, action);
    const db = structuredClone(this.db);
    const n = db.namespaces[name]!;
    const out = fn(n, db);
    n.updated_at = new Date().toISOString();
    await this.store.saveMetadefs(db);
    return out;
  }

  listNamespaces(q: NamespaceQuery, caller: Caller): { namespaces: NamespaceRecord[]; next: string | null } {
    const visibility = one(q.visibility);
    if (visibility !== undefined && visibility !== 'public' && visibility !== 'private')
      throw badRequest(`Invalid visibility value: ${visibility}`);
    let limit: number | undefined;
    const rawLimit = one(q.limit);
    if (rawLimit !== undefined) {
      if (!/^-?\d+$/.test(rawLimit)) throw badRequest('limit param must be an integer');
      limit = Number(rawLimit);
      if (limit < 0) throw badRequest('limit param must be positive');
    }
    const types = one(q.resource_types)?.split(',').filter(Boolean);
    let all = Object.values(this.db.namespaces)
      .filter((n) => canSeeNamespace(caller, n))
      .filter((n) => visibility === undefined || n.visibility === visibility)
      .filter((n) => !types?.length || n.resource_type_associations.some((a) => types.includes(a.name)))
      // Newest first, Glance's default sort (created_at desc).
      .sort((a, b) => (a.created_at === b.created_at ? (a.namespace < b.namespace ? 1 : -1) : a.created_at < b.created_at ? 1 : -1));
    const marker = one(q.marker);
    if (marker !== undefined) {
      const at = all.findIndex((n) => n.namespace === marker);
      if (at < 0) throw nsNotFound(marker);
      all = all.slice(at + 1);
    }
    const page = limit === undefined ? all : all.slice(0, limit);
    const full = limit !== undefined && page.length > 0 && page.length === limit;
    return { namespaces: page, next: full ? page[page.length - 1]!.namespace : null };
  }

  async createNamespace(body: unknown, caller: Caller): Promise<NamespaceRecord> {
    assertAdmin(caller, 'add_metadef_namespace');
    const n = namespaceFromBody(checkBody('namespace', body), caller.project_id, new Date().toISOString());
    if (Object.hasOwn(this.db.namespaces, n.namespace)) throw conflict(`The metadata definition namespace=${n.namespace} already exists.`);
    const db = structuredClone(this.db);
    setOwn(db.namespaces, n.namespace, n);
    for (const a of n.resource_type_associations) this.ensureResourceType(db, a.name);
    await this.store.saveMetadefs(db);
    return n;
  }

  /** PUT: the namespace's own fields are replaced (a rename moves everything inside it). */
  async updateNamespace(name: string, body: unknown, caller: Caller): Promise<NamespaceRecord> {
    this.namespace(name, caller);
    assertAdmin(caller, 'modify_metadef_namespace');
    const o = checkBody('namespace', body);
    const db = structuredClone(this.db);
    const old = db.namespaces[name]!;
    const renamed = o.namespace as string;
    if (renamed !== name && Object.hasOwn(db.namespaces, renamed))
      throw conflict(`The metadata definition namespace=${renamed} already exists.`);
    const next: NamespaceRecord = {
      ...old,
      namespace: renamed,
      display_name: o.display_name as string | undefined,
      description: o.description as string | undefined,
      visibility: o.visibility as NamespaceRecord['visibility'],
      protected: o.protected as boolean | undefined,
      owner: (o.owner as string | undefined) ?? old.owner,
      updated_at: new Date().toISOString(),
    };
    delete db.namespaces[name];
    setOwn(db.namespaces, renamed, next);
    await this.store.saveMetadefs(db);
    return next;
  }

  async deleteNamespace(name: string, caller: Caller): Promise<void> {
    const n = this.namespace(name, caller);
    assertAdmin(caller, 'delete_metadef_namespace');
    if (n.protected) throw forbidden(`Metadata definition namespace ${name} is protected and cannot be deleted.`);
    const db = structuredClone(this.db);
    delete db.namespaces[name];
    await this.store.saveMetadefs(db);
  }

  // Objects.
  object(ns: string, name: string, caller: Caller): ObjectRecord {
    const o = this.namespace(ns, caller).objects.find((x) => x.name === name);
    if (!o) throw notIn('object', name, ns);
    return o;
  }

  async createObject(ns: string, body: unknown, caller: Caller): Promise<ObjectRecord> {
    return this.change(ns, caller, 'add_metadef_object', (n) => {
      const o = objectFromBody(checkBody('object', body), new Date().toISOString());
      if (n.objects.some((x) => x.name === o.name)) throw dupIn('object', o.name, ns);
      n.objects.push(o);
      return o;
    });
  }

  async updateObject(ns: string, name: string, body: unknown, caller: Caller): Promise<ObjectRecord> {
    this.object(ns, name, caller);
    return this.change(ns, caller, 'modify_metadef_object', (n) => {
      const at = n.objects.findIndex((x) => x.name === name);
      const o = objectFromBody(checkBody('object', body), new Date().toISOString(), n.objects[at]);
      if (o.name !== name && n.objects.some((x) => x.name === o.name)) throw dupIn('object', o.name, ns);
      n.objects[at] = o;
      return o;
    });
  }

  async deleteObject(ns: string, name: string, caller: Caller): Promise<void> {
    this.object(ns, name, caller);
    return this.change(ns, caller, 'delete_metadef_object', (n) => {
      assertUnprotected(n, 'object', name);
      n.objects = n.objects.filter((x) => x.name !== name);
    });
  }

  async deleteObjects(ns: string, caller: Caller): Promise<void> {
    return this.change(ns, caller, 'delete_metadef_object', (n) => {
      assertUnprotected(n, 'namespace', ns);
      n.objects = [];
    });
  }

  // Properties.
  property(ns: string, name: string, caller: Caller): PropertyDef {
    const n = this.namespace(ns, caller);
    if (!Object.hasOwn(n.properties, name)) throw notIn('property', name, ns);
    return n.properties[name]!;
  }

  async createProperty(ns: string, body: unknown, caller: Caller): Promise<[string, PropertyDef]> {
    return this.change(ns, caller, 'add_metadef_property', (n) => {
      const o = checkBody('property', body);
      const name = o.name as string;
      if (Object.hasOwn(n.properties, name)) throw dupIn('property', name, ns);
      const def = propertyFromBody(o);
      setOwn(n.properties, name, def);
      return [name, def] as [string, PropertyDef];
    });
  }

  async updateProperty(ns: string, name: string, body: unknown, caller: Caller): Promise<[string, PropertyDef]> {
    this.property(ns, name, caller);
    return this.change(ns, caller, 'modify_metadef_property', (n) => {
      const o = checkBody('property', body);
      const renamed = o.name as string;
      if (renamed !== name && Object.hasOwn(n.properties, renamed)) throw dupIn('property', renamed, ns);
      delete n.properties[name];
      const def = propertyFromBody(o);
      setOwn(n.properties, renamed, def);
      return [renamed, def] as [string, PropertyDef];
    });
  }

  async deleteProperty(ns: string, name: string, caller: Caller): Promise<void> {
    this.property(ns, name, caller);
    return this.change(ns, caller, 'remove_metadef_property', (n) => {
      assertUnprotected(n, 'property', name);
      delete n.properties[name];
    });
  }

  async deleteProperties(ns: string, caller: Caller): Promise<void> {
    return this.change(ns, caller, 'remove_metadef_property', (n) => {
      assertUnprotected(n, 'namespace', ns);
      n.properties = {};
    });
  }

  // Tags.
  tag(ns: string, name: string, caller: Caller): TagRecord {
    const t = this.namespace(ns, caller).tags.find((x) => x.name === name);
    if (!t) throw notIn('tag', name, ns);
    return t;
  }

  async createTag(ns: string, name: string, caller: Caller): Promise<TagRecord> {
    return this.change(ns, caller, 'add_metadef_tag', (n) => {
      checkBody('tag', { name });
      if (n.tags.some((x) => x.name === name)) throw conflict(`A metadata tag with name=${name} already exists in namespace=${ns}.`);
      const now = new Date().toISOString();
      const t = { name, created_at: now, updated_at: now };
      n.tags.push(t);
      return t;
    });
  }

  /** POST /tags: replaces the namespace's tags, or adds to them with X-Openstack-Append: true. */
  async createTags(ns: string, body: unknown, caller: Caller, append: boolean): Promise<TagRecord[]> {
    return this.change(ns, caller, 'add_metadef_tags', (n) => {
      if (body === undefined || body === null) throw badRequest('Body expected in request.');
      const list = (body as { tags?: unknown }).tags;
      if (!Array.isArray(list)) throw badRequest("Provided object does not match schema 'tags': 'tags' is a required property");
      const names = list.map((t) => checkBody('tag', t).name as string);
      const kept = append ? n.tags : [];
      const dup = names.find((x, i) => names.indexOf(x) !== i || kept.some((t) => t.name === x));
      if (dup !== undefined) throw conflict(`A metadata tag with name=${dup} already exists in namespace=${ns}.`);
      const now = new Date().toISOString();
      const created = names.map((name) => ({ name, created_at: now, updated_at: now }));
      n.tags = [...kept, ...created];
      return created;
    });
  }

  async updateTag(ns: string, name: string, body: unknown, caller: Caller): Promise<TagRecord> {
    this.tag(ns, name, caller);
    return this.change(ns, caller, 'modify_metadef_tag', (n) => {
      const renamed = checkBody('tag', body).name as string;
      if (renamed !== name && n.tags.some((x) => x.name === renamed))
        throw conflict(`A metadata tag with name=${renamed} already exists in namespace=${ns}.`);
      const t = n.tags.find((x) => x.name === name)!;
      t.name = renamed;
      t.updated_at = new Date().toISOString();
      return t;
    });
  }

  async deleteTag(ns: string, name: string, caller: Caller): Promise<void> {
    this.tag(ns, name, caller);
    return this.change(ns, caller, 'delete_metadef_tag', (n) => {
      assertUnprotected(n, 'tag', name);
      n.tags = n.tags.filter((x) => x.name !== name);
    });
  }

  async deleteTags(ns: string, caller: Caller): Promise<void> {
    return this.change(ns, caller, 'delete_metadef_tags', (n) => {
      assertUnprotected(n, 'namespace', ns);
      n.tags = [];
    });
  }

  // Resource types and their associations.
  resourceTypes() {
    return Object.values(this.db.resource_types);
  }

  private ensureResourceType(db: MetadefsDb, name: string): void {
    if (Object.hasOwn(db.resource_types, name)) return;
    const now = new Date().toISOString();
    setOwn(db.resource_types, name, { name, protected: false, created_at: now, updated_at: now });
  }

  async associate(ns: string, body: unknown, caller: Caller): Promise<AssociationRecord> {
    return this.change(ns, caller, 'add_metadef_resource_type_association', (n, db) => {
      const a = associationFromBody(checkBody('resource_type_association', body), new Date().toISOString());
      if (n.resource_type_associations.some((x) => x.name === a.name))
        throw conflict(`The metadata definition resource-type association of resource-type=${a.name} to namespace=${ns} already exists.`);
      this.ensureResourceType(db, a.name);
      n.resource_type_associations.push(a);
      return a;
    });
  }

  async dissociate(ns: string, name: string, caller: Caller): Promise<void> {
    const n = this.namespace(ns, caller);
    if (!Object.hasOwn(this.db.resource_types, name))
      throw new GlanceError(404, `The metadata definition resource-type with name=${name}, was not found.`);
    if (!n.resource_type_associations.some((x) => x.name === name))
      throw new GlanceError(
        404,
        `The metadata definition resource-type association of resource-type=${name} to namespace=${ns}, was not found.`,
      );
    return this.change(ns, caller, 'remove_metadef_resource_type_association', (m) => {
      if (m.protected) throw forbidden(`Metadata definition resource-type-association ${name} is protected and cannot be deleted.`);
      m.resource_type_associations = m.resource_type_associations.filter((x) => x.name !== name);
    });
  }
}
