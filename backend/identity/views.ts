// Pure: how Keystone shows its rows (the hash of a password never leaves the store).
import type { DomainRow, ProjectRow, RoleRow, UserRow } from './identity-store.js';
import type { CatalogEndpoint, CatalogEntry } from './token-body.js';

const self = (base: string, collection: string, id: string) => ({ self: `${base}/v3/${collection}/${id}` });

export function domainView(d: DomainRow, base: string) {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: [],
    options: {},
    links: self(base, 'domains', d.id),
  };
}

export function projectView(p: ProjectRow, base: string) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domain_id,
    description: p.description,
    enabled: p.enabled,
    parent_id: p.domain_id,
    is_domain: false,
    tags: p.tags,
    options: {},
    links: self(base, 'projects', p.id),
  };
}

export function userView(u: UserRow, base: string) {
  return {
    ...u.extra,
    id: u.id,
    name: u.name,
    domain_id: u.domain_id,
    enabled: u.enabled,
    password_expires_at: null,
    options: {},
    ...(u.default_project_id ? { default_project_id: u.default_project_id } : {}),
    ...(u.email ? { email: u.email } : {}),
    ...(u.description ? { description: u.description } : {}),
    links: self(base, 'users', u.id),
  };
}

export function roleView(r: RoleRow, base: string) {
  return { id: r.id, name: r.name, domain_id: null, description: r.description, options: {}, links: self(base, 'roles', r.id) };
}

/** A collection: `{<key>: [...], links: {self, previous, next}}` (never paged here). */
export function listBody<T>(key: string, items: T[], selfUrl: string) {
  return { [key]: items, links: { self: selfUrl, previous: null, next: null } };
}

/** The catalog seen as Keystone's service, endpoint and region resources. */
export function serviceView(s: CatalogEntry, base: string) {
  return { id: s.id, type: s.type, name: s.name, enabled: true, description: `${s.name} (${s.type})`, links: self(base, 'services', s.id) };
}

export function endpointView(e: CatalogEndpoint, s: CatalogEntry, base: string) {
  return {
    id: e.id,
    interface: e.interface,
    region_id: e.region_id,
    region: e.region,
    url: e.url,
    service_id: s.id,
    enabled: true,
    links: self(base, 'endpoints', e.id),
  };
}

export function regionView(id: string, base: string) {
  return { id, description: '', parent_region_id: null, links: self(base, 'regions', id) };
}
