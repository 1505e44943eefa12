// Small pure helpers the views share: Nova's time formats and link shapes.
import { createHash } from 'node:crypto';

/** created/updated: 2026-11-23T19:05:36Z */
export function isoTime(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Timestamps Nova prints from naive datetimes (launched_at, action times): 2026-11-23T19:06:41.407000 */
export function naiveTime(ts: string | null | undefined): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/** Nova's hostId: sha224(project_id + host), or "" with no host. */
export function hostId(projectId: string, host: string | null): string {
  return host ? createHash('sha224').update(`${projectId}${host}`).digest('hex') : '';
}

export interface Links { self: string; bookmark: string }

/** `base` is "http://H:8774": self links are versioned, bookmarks are not. */
export function links(base: string, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${base}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${base}/${collection}/${id}` },
  ];
}

export const bookmark = (base: string, collection: string, id: string) => [{ rel: 'bookmark', href: `${base}/${collection}/${id}` }];

/** "<coll>_links" with a next link, only when the page is full (P15). */
export function nextLinks(base: string, path: string, query: Record<string, unknown>, items: { id: string }[], limit: number | null):
  { rel: string; href: string }[] | null {
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
