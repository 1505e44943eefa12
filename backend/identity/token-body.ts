// Pure builders of what Keystone sends back: the service catalog and the token body
// (api-contract.md 1.2). No store, no clock, no I/O: everything comes in as arguments.
import { createHash } from 'node:crypto';

export const REGION = 'RegionOne';
export const INTERFACES = ['public', 'internal', 'admin'] as const;

/** Where each service answers, as a client must write it. */
export interface ServiceUrls {
  identity: string;
  compute: string;
  image: string;
}

export interface CatalogEndpoint {
  id: string;
  interface: string;
  region_id: string;
  region: string;
  url: string;
}
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

const SERVICES = [
  { type: 'identity', name: 'keystone', url: (u: ServiceUrls) => u.identity },
  { type: 'compute', name: 'nova', url: (u: ServiceUrls) => u.compute },
  { type: 'image', name: 'glance', url: (u: ServiceUrls) => u.image },
] as const;

/** Ids that stay the same across restarts, so `catalog show` is stable. */
const stableId = (...parts: string[]) => createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 32);

export function buildCatalog(urls: ServiceUrls, region = REGION): CatalogEntry[] {
  return SERVICES.map((s) => ({
    id: stableId('service', s.type),
    type: s.type,
    name: s.name,
    endpoints: INTERFACES.map((iface) => ({
      id: stableId('endpoint', s.type, iface),
      interface: iface,
      region_id: region,
      region,
      url: s.url(urls),
    })),
  }));
}

/** Keystone's time format: microseconds and a Z, e.g. 2026-11-23T20:04:51.947000Z. */
export function keystoneTime(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

/** A host as it appears in a URL: a wildcard listen address becomes loopback, IPv6 gets brackets. */
export function urlHost(listen: string): string {
  if (listen === '0.0.0.0' || listen === '') return '127.0.0.1';
  if (listen === '::') return '[::1]';
  return listen.includes(':') ? `[${listen}]` : listen;
}

interface Named {
  id: string;
  name: string;
}
export interface TokenFacts {
  methods: string[];
  audit_ids: string[];
  issued_at: Date;
  expires_at: Date;
  user: Named & { domain: Named };
  /** Absent for an unscoped token. */
  project?: Named & { domain: Named };
  roles: Named[];
}

/** The body of POST/GET /v3/auth/tokens. The catalog is left out for unscoped tokens and when
 *  the caller passes null (?nocatalog). */
export function buildTokenBody(t: TokenFacts, catalog: CatalogEntry[] | null) {
  const token: Record<string, unknown> = {
    expires_at: keystoneTime(t.expires_at),
    issued_at: keystoneTime(t.issued_at),
    methods: t.methods,
    audit_ids: t.audit_ids,
    user: { id: t.user.id, name: t.user.name, domain: t.user.domain, password_expires_at: null },
  };
  if (t.project) {
    token.project = { id: t.project.id, name: t.project.name, domain: t.project.domain };
    token.roles = t.roles.map((r) => ({ id: r.id, name: r.name }));
    token.is_domain = false;
    if (catalog) token.catalog = catalog;
  }
  return { token };
}

/** Identity's version document (api-contract.md 1.1); `identityUrl` is the unversioned root. */
export function versionDocument(identityUrl: string) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${identityUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}
