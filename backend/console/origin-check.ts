// Which web pages may open a console WebSocket (CVE-2015-0259: without this check any site
// the user visits could drive the proxy with the user's browser). Pure.
//
// Allowed: an Origin whose host:port is the proxy itself — as the request's Host header
// names it, as it listens, or as `novncproxy_base_url` names it — or one listed in
// `console_allowed_origins` ("host", "host:port" or a full "scheme://host:port"). A Host
// header counts only when it is an IP address or localhost: a DNS name must be configured,
// so a rebound DNS name (evil.example → 127.0.0.1) cannot pass as "the proxy itself".
// No Origin header at all is a client that is not a browser (a browser always sends one with
// a WebSocket), which holds the token and could name any Origin: as Nova's proxy ("missing
// origin header indicates non-browser client which is OK"), it passes; an empty or "null"
// Origin (a sandboxed or file: page) does not.
import net from 'node:net';

export interface OriginPolicy {
  listenHost: string;
  listenPort: number;
  baseUrl: string;
  allowedOrigins: readonly string[];
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

interface HostPort {
  host: string;
  port: number;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** host:port of an absolute http(s)/ws(s) URL, or null. */
export function urlHostPort(text: string): (HostPort & { scheme: string }) | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  const def = DEFAULT_PORTS[u.protocol];
  if (def === undefined || !u.hostname) return null;
  return { scheme: u.protocol, host: unbracket(u.hostname.toLowerCase()), port: u.port ? Number(u.port) : def };
}

/** host:port of a Host header ("h", "h:p", "[v6]:p"); a missing port is 80 (we serve plain HTTP). */
export function hostHeaderHostPort(header: string): HostPort | null {
  if (!header || /[\s/\\@?#]/.test(header)) return null;
  const u = urlHostPort(`http://${header}`);
  return u ? { host: u.host, port: u.port } : null;
}

const same = (a: HostPort, b: HostPort) => a.host === b.host && a.port === b.port;
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';
const isLocalName = (host: string) => net.isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost');

function allowedByList(origin: HostPort & { scheme: string }, entries: readonly string[]): boolean {
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes('://')) {
      const e = urlHostPort(entry);
      if (e && e.scheme === origin.scheme && same(e, origin)) return true;
      continue;
    }
    const hp = hostHeaderHostPort(entry);
    if (!hp) continue;
    const hasPort = /:\d+$/.test(entry) && !entry.endsWith(']');
    if (hp.host === origin.host && (!hasPort || hp.port === origin.port)) return true;
  }
  return false;
}

export function checkOrigin(origin: string | undefined, hostHeader: string | undefined, policy: OriginPolicy): OriginVerdict {
  if (origin === undefined) return { ok: true };
  if (origin.trim() === '') return { ok: false, reason: 'an empty Origin header' };
  const o = urlHostPort(origin.trim());
  if (!o || o.scheme === 'ws:' || o.scheme === 'wss:')
    return { ok: false, reason: `origin ${JSON.stringify(origin)} is not an http(s) origin` };
  // The proxy itself serves plain HTTP; only novncproxy_base_url may name https (a TLS front).
  const selves: (HostPort & { scheme: string })[] = [];
  if (!isWildcard(policy.listenHost))
    selves.push({ scheme: 'http:', host: unbracket(policy.listenHost.toLowerCase()), port: policy.listenPort });
  const base = urlHostPort(policy.baseUrl);
  if (base) selves.push(base);
  const host = hostHeader ? hostHeaderHostPort(hostHeader) : null;
  if (host && isLocalName(host.host) && host.port === policy.listenPort) selves.push({ scheme: 'http:', ...host });
  if (selves.some((s) => s.scheme === o.scheme && same(s, o))) return { ok: true };
  if (allowedByList(o, policy.allowedOrigins)) return { ok: true };
  return { ok: false, reason: `origin ${o.scheme}//${o.host}:${o.port} not allowed` };
}
