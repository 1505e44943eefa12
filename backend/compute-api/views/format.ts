// Small pure helpers the views share: Nova's time formats and link shapes.
import { createHash } from 'node:crypto';

/** The lab stores times as Date#toISOString() gives them; anything else is normalised first. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const canonical = (ts: string): string | null => {
  if (CANONICAL.test(ts)) return ts;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

/** created/updated: 2026-11-23T19:05:36Z */
export function isoTime(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const c = canonical(ts);
  return c ? `${c.slice(0, 19)}Z` : ts;
}

/** Timestamps Nova prints from naive datetimes (launched_at, action times): 2026-11-23T19:06:41.407000 */
export function naiveTime(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const c = canonical(ts);
  return c ? `${c.slice(0, 23)}000` : ts;
}

const hostIds = new Map<string, string>();

/** Nova's hostId: sha224(project_id + host), or "" with no host. */
export function hostId(projectId: string, host: string | null): string {
  if (!host) return '';
  const key = `${projectId}${host}`;
  let id = hostIds.get(key);
  if (id === undefined) {
    id = createHash('sha224').update(key).digest('hex');
    if (hostIds.size > 10_000) hostIds.clear();
    hostIds.set(key, id);
  }
  return id;
}

export interface Links {
  self: string;
  bookmark: string;
}

/** `base` is "http://H:8774": self links are versioned, bookmarks are not. */
export function links(base: string, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${base}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${base}/${collection}/${id}` },
  ];
}

export const bookmark = (base: string, collection: string, id: string) => [{ rel: 'bookmark', href: `${base}/${collection}/${id}` }];

/** "<coll>_links" with a next link, only when the page is full (P15). */
export function nextLinks(
  base: string,
  path: string,
  query: Record<string, unknown>,
  items: { id: string }[],
  limit: number | null,
): { rel: string; href: string }[] | null {
  if (limit === null || items.length === 0 || items.length < limit) return null;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  params.set('limit', String(limit));
  params.set('marker', items[items.length - 1]!.id);
  return [{ rel: 'next', href: `${base}/v2.1/${path}?${params.toString()}` }];
}
