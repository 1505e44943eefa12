// GET /v2/images: the query string parsed into filters, sort and page, then applied to the
// records the caller may see. `next` only when the page is full (the SDK follows it). Pure.
import { badRequest } from './errors.js';
import { STATUSES, VISIBILITIES, type Caller, type ImageRecord, type Visibility } from './image-record.js';
import { MEMBER_STATUSES, type MemberStatus } from './members.js';
import { inDefaultList, inVisibilityList, type MemberStatusFilter } from './visibility.js';

export type RawQuery = Record<string, string | string[] | undefined>;

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;
const SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'virtual_size',
  'id',
  'created_at',
  'updated_at',
  'visibility',
  'min_disk',
  'min_ram',
  'owner',
] as const;
type SortKey = (typeof SORT_KEYS)[number];
/** Core attributes that filter by equality, with Glance's "in:a,b" form. */
const CORE_FILTERS = ['id', 'name', 'status', 'disk_format', 'container_format', 'owner'] as const;
/**
 * Other core attributes: Glance compares a filter named after an image column with the column
 * (`size=1024` is the image's size), never with an extra property of that name.
 */
const CORE_EQUALITY = ['size', 'virtual_size', 'min_disk', 'min_ram', 'checksum', 'os_hash_algo', 'os_hash_value'] as const;
/** Query keys that are not property filters. */
const NOT_FILTERS = new Set([
  'limit',
  'marker',
  'sort_key',
  'sort_dir',
  'sort',
  'visibility',
  'member_status',
  'os_hidden',
  'protected',
  'tag',
  'size_min',
  'size_max',
  'created_at',
  'updated_at',
]);

type SortBy = { key: SortKey; dir: 'asc' | 'desc' };

export interface ListQuery {
  limit: number;
  marker?: string;
  /** Never empty: the first entry's direction also orders Glance's tie-breakers. */
  sort: [SortBy, ...SortBy[]];
  visibility?: Visibility | 'all';
  core: { key: (typeof CORE_FILTERS)[number]; values: string[] }[];
  coreEquals: { key: (typeof CORE_EQUALITY)[number]; value: string }[];
  member_status: MemberStatusFilter;
  properties: Record<string, string>;
  tags: string[];
  os_hidden: boolean;
  protected?: boolean;
  size_min?: number;
  size_max?: number;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
const many = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw badRequest(`${name} param must be an integer >= ${min}`);
  return Number(v);
}

function bool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw badRequest(`Invalid value for ${name}: '${v}' (true or false)`);
}

function sortKey(k: string): SortKey {
  if (!(SORT_KEYS as readonly string[]).includes(k))
    throw badRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  return k as SortKey;
}
function sortDir(d: string | undefined): 'asc' | 'desc' {
  if (d === undefined) return 'desc';
  if (d !== 'asc' && d !== 'desc') throw badRequest(`Invalid sort direction: ${d}`);
  return d;
}

function parseSort(q: RawQuery): ListQuery['sort'] {
  const sort = one(q.sort);
  if (sort !== undefined) {
    if (q.sort_key !== undefined || q.sort_dir !== undefined)
      throw badRequest('The "sort" parameter cannot be combined with sort_key or sort_dir.');
    const by = (part: string): SortBy => {
      const [k = '', d] = part.split(':');
      return { key: sortKey(k.trim()), dir: sortDir(d?.trim() ?? 'desc') };
    };
    // "sort=" names no key: Glance reads it as the empty key and refuses it (400).
    const [first = '', ...rest] = sort.split(',').filter(Boolean);
    return [by(first), ...rest.map(by)];
  }
  const keys = many(q.sort_key).flatMap((k) => k.split(','));
  const dirs = many(q.sort_dir).flatMap((d) => d.split(','));
  if (dirs.length > 1 && dirs.length !== keys.length) throw badRequest('Number of sort dirs does not match the number of sort keys');
  const dirAt = (i: number) => sortDir(dirs[dirs.length > 1 ? i : 0]);
  const [first, ...rest] = keys;
  if (first === undefined) return [{ key: 'created_at', dir: dirAt(0) }];
  return [{ key: sortKey(first), dir: dirAt(0) }, ...rest.map((k, i) => ({ key: sortKey(k), dir: dirAt(i + 1) }))];
}

export function parseListQuery(q: RawQuery): ListQuery {
  const visibility = one(q.visibility);
  if (visibility !== undefined && visibility !== 'all' && !(VISIBILITIES as readonly string[]).includes(visibility)) {
    throw badRequest(`Invalid visibility value: ${visibility}`);
  }
  const core = CORE_FILTERS.flatMap((key) => {
    const v = one(q[key]);
    if (v === undefined) return [];
    const values = v.startsWith('in:') ? v.slice(3).split(',') : [v];
    if (key === 'status')
      for (const s of values) if (!(STATUSES as readonly string[]).includes(s)) throw badRequest(`Invalid status value: ${s}`);
    return [{ key, values }];
  });
  const coreEquals = CORE_EQUALITY.flatMap((key) => {
    const value = one(q[key]);
    return value === undefined ? [] : [{ key, value }];
  });
  const memberStatus = one(q.member_status) ?? 'accepted';
  if (memberStatus !== 'all' && !(MEMBER_STATUSES as readonly string[]).includes(memberStatus))
    throw badRequest(`Invalid status: ${memberStatus}`);
  const properties: Record<string, string> = {};
  const notProperty = (k: string) =>
    NOT_FILTERS.has(k) || (CORE_FILTERS as readonly string[]).includes(k) || (CORE_EQUALITY as readonly string[]).includes(k);
  for (const [k, v] of Object.entries(q)) if (!notProperty(k) && v !== undefined) properties[k] = one(v) as string;
  return {
    limit: Math.min(int('limit', one(q.limit), 0) ?? DEFAULT_LIMIT, MAX_LIMIT),
    marker: one(q.marker),
    sort: parseSort(q),
    visibility: visibility as ListQuery['visibility'],
    core,
    coreEquals,
    member_status: memberStatus as MemberStatusFilter,
    properties,
    tags: many(q.tag),
    os_hidden: bool('os_hidden', one(q.os_hidden)) ?? false,
    protected: bool('protected', one(q.protected)),
    size_min: int('size_min', one(q.size_min), 0),
    size_max: int('size_max', one(q.size_max), 0),
  };
}

/** The caller's membership status of an image (undefined: not a member). */
export type MembershipOf = (imageId: string) => MemberStatus | undefined;

function matches(rec: ImageRecord, q: ListQuery, caller: Caller, membershipOf: MembershipOf): boolean {
  const membership = membershipOf(rec.id);
  const visible = q.visibility
    ? inVisibilityList(caller, rec, q.visibility, membership, q.member_status)
    : inDefaultList(caller, rec, membership, q.member_status);
  if (!visible || rec.os_hidden !== q.os_hidden) return false;
  if (q.protected !== undefined && rec.protected !== q.protected) return false;
  if (!q.core.every(({ key, values }) => values.includes(String(rec[key])))) return false;
  if (!q.coreEquals.every(({ key, value }) => rec[key] !== null && String(rec[key]) === value)) return false;
  if (!Object.entries(q.properties).every(([k, v]) => rec.properties[k] === v)) return false;
  if (!q.tags.every((t) => rec.tags.includes(t))) return false;
  if (q.size_min !== undefined && (rec.size ?? -1) < q.size_min) return false;
  if (q.size_max !== undefined && (rec.size === null || rec.size > q.size_max)) return false;
  return true;
}

function compare(a: ImageRecord, b: ImageRecord, sort: ListQuery['sort']): number {
  // created_at then id break ties, as Glance adds them to every sort.
  const keys = [...sort, { key: 'created_at' as const, dir: sort[0].dir }, { key: 'id' as const, dir: sort[0].dir }];
  for (const { key, dir } of keys) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return dir === 'asc' ? order : -order;
  }
  return 0;
}

export interface ListPage {
  images: ImageRecord[];
  next: string | null;
}

/** Filter, sort and cut one page; `next` only when the page is full. */
export function listImages(
  all: Iterable<ImageRecord>,
  q: ListQuery,
  caller: Caller,
  rawQuery: RawQuery,
  membershipOf: MembershipOf = () => undefined,
): ListPage {
  const sorted = [...all].filter((r) => matches(r, q, caller, membershipOf)).sort((a, b) => compare(a, b, q.sort));
  let start = 0;
  if (q.marker !== undefined) {
    const at = sorted.findIndex((r) => r.id === q.marker);
    if (at < 0) throw badRequest(`Invalid marker. Image ${q.marker} could not be found.`);
    start = at + 1;
  }
  const images = sorted.slice(start, start + q.limit);
  const full = q.limit > 0 && images.length === q.limit;
  return { images, next: full ? nextLink(rawQuery, images[images.length - 1]!.id) : null }; // full: not empty
}

function nextLink(raw: RawQuery, marker: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) if (k !== 'marker') for (const x of many(v)) params.append(k, x);
  params.set('marker', marker);
  return `/v2/images?${params.toString()}`;
}
