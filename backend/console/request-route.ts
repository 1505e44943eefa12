// What an HTTP request to the console proxy may reach. Pure. The proxy serves a handful of
// pages and two read-only trees of the noVNC package; it never redirects, so no URL can send
// a browser elsewhere — a request that looks like a way out (//host, backslashes, encoded
// slashes, dot segments, absolute-form targets) gets 400, anything unknown 404. The query
// string is never used to pick a file.

export const PAGE_NAMES = ['vnc.html', 'vnc_lite.html', 'vnc_auto.html'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** Files of our own small console app (noVNC's `app/` is not in the npm package). */
export const APP_FILES = ['console.js', 'console.css'] as const;
export type AppFile = (typeof APP_FILES)[number];

export type Route =
  | { kind: 'index' }
  | { kind: 'page'; name: PageName }
  | { kind: 'app'; name: AppFile }
  | { kind: 'package'; tree: 'core' | 'vendor'; segments: string[] }
  | { kind: 'reject'; status: 400 | 404 | 405; reason: string };

const STATIC_EXTENSIONS = /\.(js|mjs)$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

const reject = (status: 400 | 404 | 405, reason: string): Route => ({ kind: 'reject', status, reason });

export function routeRequest(method: string | undefined, rawUrl: string | undefined): Route {
  if (method !== 'GET' && method !== 'HEAD') return reject(405, 'only GET and HEAD');
  const target = rawUrl ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return reject(400, 'request target must be a path on this server');
  const rawPath = target.split(/[?#]/, 1)[0]!;
  if (/[\\\0]|%(2f|5c|00)/i.test(rawPath)) return reject(400, 'encoded or back slashes in the path');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return reject(400, 'malformed percent-encoding');
  }
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) return reject(400, 'dot segments in the path');
  if (path === '/') return { kind: 'index' };
  if (segments.some((s) => s === '')) return reject(404, 'no such file');
  if (segments.some((s) => !SEGMENT.test(s))) return reject(404, 'no such file');
  if (segments.length === 1 && (PAGE_NAMES as readonly string[]).includes(segments[0]!))
    return { kind: 'page', name: segments[0] as PageName };
  const [tree, ...rest] = segments;
  if (tree === 'app' && rest.length === 1 && (APP_FILES as readonly string[]).includes(rest[0]!))
    return { kind: 'app', name: rest[0] as AppFile };
  if ((tree === 'core' || tree === 'vendor') && rest.length > 0 && STATIC_EXTENSIONS.test(rest[rest.length - 1]!)) {
    return { kind: 'package', tree, segments: rest };
  }
  return reject(404, 'no such file');
}
