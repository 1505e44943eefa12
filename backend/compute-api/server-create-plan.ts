// POST /servers, the pure part: from a validated body to what will be created (names,
// counts, zone and forced host, user data), the quota decision and the guest hostname.
import type { QuotaSet } from '../../contract/model.js';
import type { QuotaUsage } from '../rpc/conductor-api.js';
import { badRequest, forbidden, notImplemented } from './faults.js';
import { atLeast, type ApiVersion } from './microversion.js';
import type { ServerCreateBody } from './schemas.js';
import { toBool } from './validation.js';
import { shortIPv6 } from './ip-address.js';

export interface CreatePlan {
  name: string;
  imageId: string;
  flavorId: string;
  /** The zone part of availability_zone ("zone", "zone:host", "zone:host:node", "zone::node"). */
  zone: string | null;
  forcedHost: string | null;
  forcedNode: string | null;
  keyName: string | null;
  minCount: number;
  maxCount: number;
  metadata: Record<string, string>;
  userData: string | null;
  description: string | null;
  tags: string[];
  hostname: string | null;
  accessIPv4: string | null;
  accessIPv6: string | null;
  returnReservationId: boolean;
  hints: Record<string, string | string[]>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The id at the end of an href or the id itself ("http://h/v2.1/flavors/1" → "1"). */
export const idFromRef = (ref: string | number) => String(ref).replace(/\/+$/, '').split('/').pop() ?? '';

export function parseZone(az: string | undefined): { zone: string | null; host: string | null; node: string | null } {
  if (!az) return { zone: null, host: null, node: null };
  const colons = az.split(':').length - 1;
  let zone = az;
  let host: string | null = null;
  let node: string | null = null;
  if (colons === 1) [zone, host] = az.split(':') as [string, string];
  else if (colons === 2 && az.includes('::')) [zone, node] = az.split('::') as [string, string];
  else if (colons === 2) [zone, host, node] = az.split(':') as [string, string, string];
  else if (colons > 2) throw badRequest('Invalid input received: Unable to parse availability_zone');
  return { zone: zone || null, host: host || null, node: node || null };
}

export function planCreate(body: ServerCreateBody, v: ApiVersion): CreatePlan {
  const s = body.server;
  if (Array.isArray(s.networks) && s.networks.length > 0) {
    throw badRequest(
      'Requesting specific networks is not supported: novalab has no network service (neutron). Use "networks": "none" or "auto".',
    );
  }
  if (Array.isArray(s.personality) && s.personality.length > 0)
    throw notImplemented('Personality (file injection) is not supported by novalab.');
  for (const k of ['block_device_mapping', 'block_device_mapping_v2'] as const) {
    if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0)
      throw badRequest('Block device mapping is not supported: novalab has no volume service (cinder); boot from an image.');
  }
  if (Array.isArray(s.trusted_image_certificates) && s.trusted_image_certificates.length > 0) {
    throw badRequest('Image certificate validation is not supported by novalab.');
  }
  for (const g of s.security_groups ?? []) {
    if (g.name !== 'default') throw badRequest(`Security group ${g.name} not found for project: novalab only has the "default" group.`);
  }
  if (!s.imageRef) throw badRequest('Missing imageRef attribute: novalab boots servers from images only.');
  const minCount = Number(s.min_count ?? 1);
  const maxCount = Number(s.max_count ?? minCount);
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');
  if (s.user_data !== undefined && !BASE64.test(s.user_data)) throw badRequest('Userdata content cannot be decoded');
  const { zone, host, node } = parseZone(s.availability_zone);
  return {
    name: s.name,
    imageId: idFromRef(s.imageRef),
    flavorId: idFromRef(s.flavorRef),
    zone,
    forcedHost: s.host ?? host,
    forcedNode: s.hypervisor_hostname ?? node,
    keyName: s.key_name ?? null,
    minCount,
    maxCount,
    metadata: s.metadata ?? {},
    userData: s.user_data ?? null,
    description: atLeast(v, '2.19') ? (s.description ?? null) : null,
    tags: s.tags ?? [],
    hostname: s.hostname ?? null,
    accessIPv4: s.accessIPv4 ?? null,
    accessIPv6: s.accessIPv6 === undefined ? null : shortIPv6(s.accessIPv6),
    returnReservationId: toBool(s.return_reservation_id ?? false),
    hints: userHints(body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'] ?? {}),
  };
}

/** A user's scheduler hints, without Nova's internal ones (`_nova_check_type`): those are set by
 *  Nova itself, and one given at create would make the scheduler skip filters and the claim. */
function userHints(hints: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(hints).filter(([name]) => !name.startsWith('_nova')));
}

/** Nova's sanitize_hostname: what the guest calls itself. */
export function sanitizeHostname(name: string, fallback: string): string {
  let h = [...name]
    .filter((ch) => ch.charCodeAt(0) <= 0xff)
    .join('')
    .slice(0, 63);
  h = h
    .replace(/[ _.]/g, '-')
    .replace(/[^\w.-]+/g, '')
    .toLowerCase()
    .replace(/^[.-]+|[.-]+$/g, '');
  return h === '' ? fallback.slice(0, 63) : h;
}

/** Display names of a multi-create: "vm" alone, or "vm-1", "vm-2" … */
export const instanceNames = (name: string, count: number) =>
  count === 1 ? [name] : Array.from({ length: count }, (_, i) => `${name}-${i + 1}`);

export interface QuotaNeed {
  vcpus: number;
  ram: number;
}

/** How many instances fit (from max down to min), or Nova's 403 text for the minimum. */
export function quotaCount(q: QuotaSet, used: QuotaUsage, need: QuotaNeed, min: number, max: number): number {
  const resources = (n: number) => [
    { name: 'instances', req: n, used: used.instances, limit: q.instances },
    { name: 'cores', req: need.vcpus * n, used: used.cores, limit: q.cores },
    { name: 'ram', req: need.ram * n, used: used.ram, limit: q.ram },
  ];
  const over = (n: number) => resources(n).filter((r) => r.limit >= 0 && r.used + r.req > r.limit);
  for (let n = max; n >= min; n--) if (over(n).length === 0) return n;
  const o = over(min);
  const list = (f: (r: (typeof o)[number]) => number | string) => o.map(f).join(', ');
  throw forbidden(
    `Quota exceeded for ${list((r) => r.name)}: Requested ${list((r) => r.req)}, but already used ${list((r) => r.used)} of ${list((r) => r.limit)} ${list((r) => r.name)}`,
  );
}

/** The enumerated image properties nova-api reads when it builds the image's ImageMeta; a
 *  value Nova does not know makes that fail, and the create with it (a 400, before anything
 *  is made). hw_firmware_type picks the firmware a whole-disk image boots through. */
const IMAGE_PROPERTY_ENUMS: Record<string, readonly string[]> = { hw_firmware_type: ['bios', 'uefi'] };

export function checkImageProperties(properties: Record<string, string | undefined>): void {
  for (const [key, valid] of Object.entries(IMAGE_PROPERTY_ENUMS)) {
    const value = properties[key];
    if (value !== undefined && !valid.includes(value)) throw badRequest(`Invalid image metadata. Error: Field value ${value} is invalid`);
  }
}
