// limit/marker as Nova reads them (nova/api/openstack/common.py get_limit_and_marker).
import { badRequest } from '../faults.js';

export interface Page {
  limit: number | null;
  marker: string | null;
}

export function pageParams(query: Record<string, string | string[] | undefined>, maxLimit: number): Page {
  const one = (k: string) => {
    const v = query[k];
    return Array.isArray(v) ? v[v.length - 1] : v;
  };
  const rawLimit = one('limit');
  let limit: number | null = null;
  if (rawLimit !== undefined) {
    if (!/^-?\d+$/.test(rawLimit)) throw badRequest('limit param must be an integer');
    limit = Number(rawLimit);
    if (limit < 0) throw badRequest('limit param must be positive');
    limit = Math.min(limit, maxLimit);
  }
  const marker = one('marker') ?? null;
  return { limit, marker };
}

/** Apply a page to an already ordered list; an unknown marker is a 400 as in Nova. */
export function applyPage<T>(items: T[], page: Page, idOf: (t: T) => string, maxLimit: number): T[] {
  let start = 0;
  if (page.marker !== null) {
    const i = items.findIndex((t) => idOf(t) === page.marker);
    if (i < 0) throw badRequest(`marker [${page.marker}] not found`);
    start = i + 1;
  }
  return items.slice(start, start + (page.limit ?? maxLimit));
}
