// Pure: GET /v2.1/images?… as Nova's image proxy translates it for glance v2 (nova/api/openstack/
// compute/images.py and nova/image/glance.py): name and status (lowercased) pass through,
// server → instance_uuid (a server link's last segment), type → image_type, property-X → X,
// limit and marker. changes-since (glance's updated_at=gte:), minRam and minDisk are applied
// to glance's answer here.
import { badRequest } from './faults.js';

export interface ImageListQuery {
  glance: Record<string, string>;
  /** Epoch ms: only images updated at or after it. */
  changesSince: number | null;
  minRam: number | null;
  minDisk: number | null;
}

type Raw = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

function intParam(name: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  if (!/^\d+$/.test(v)) throw badRequest(`Invalid ${name} filter: ${v}`);
  return Number(v);
}

export function imageListQuery(q: Raw): ImageListQuery {
  const glance: Record<string, string> = {};
  const name = one(q.name);
  if (name !== undefined) glance.name = name;
  const status = one(q.status);
  if (status !== undefined) glance.status = status.toLowerCase();
  const server = one(q.server);
  if (server !== undefined) glance.instance_uuid = server.includes('/') ? server.slice(server.lastIndexOf('/') + 1) : server;
  const type = one(q.type);
  if (type !== undefined) glance.image_type = type;
  for (const [k, v] of Object.entries(q)) {
    const val = one(v);
    if (k.startsWith('property-') && k.length > 'property-'.length && val !== undefined) glance[k.slice('property-'.length)] = val;
  }
  for (const k of ['limit', 'marker'] as const) {
    const v = one(q[k]);
    if (v) glance[k] = v;
  }
  let changesSince: number | null = null;
  const since = one(q['changes-since']);
  if (since !== undefined) {
    changesSince = Date.parse(since);
    if (Number.isNaN(changesSince)) throw badRequest(`Invalid changes-since value: ${since}`);
  }
  return { glance, changesSince, minRam: intParam('minRam', one(q.minRam)), minDisk: intParam('minDisk', one(q.minDisk)) };
}
