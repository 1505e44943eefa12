// Pure decisions about one console WebSocket request: where its token is, and whether the
// address a token names is one the proxy may dial. The proxy only ever dials what
// nova-consoleauth returned for the token — never an address from the client — and even then
// only a loopback address, `vncserver_proxyclient_address`, or a unix socket.
import net from 'node:net';
import type { VncConnectInfo } from '../rpc/compute-api.js';
import { isLoopbackHost } from '../common/loopback.js';

/**
 * The token of an upgrade request: `/?token=…` as noVNC sends it, or inside a `path`
 * parameter (`/?path=%3Ftoken%3D…`) as some clients forward Nova's URL unchanged.
 */
export function tokenFromUrl(rawUrl: string | undefined): string | null {
  let u: URL;
  try {
    u = new URL(rawUrl ?? '/', 'http://proxy.invalid');
  } catch {
    return null;
  }
  const direct = u.searchParams.get('token');
  if (direct) return direct;
  const inner = u.searchParams.get('path');
  if (inner) {
    const q = inner.indexOf('?');
    const t = new URLSearchParams(q >= 0 ? inner.slice(q + 1) : inner).get('token');
    if (t) return t;
  }
  return null;
}

export type TargetVerdict = { ok: true; connect: net.NetConnectOpts } | { ok: false; reason: string };

export function checkTarget(info: VncConnectInfo | null | undefined, proxyclientAddress: string): TargetVerdict {
  if (!info || typeof info !== 'object') return { ok: false, reason: 'no console address' };
  if (info.kind === 'unix') {
    if (typeof info.path !== 'string' || !info.path.startsWith('/') || info.path.includes('\0'))
      return { ok: false, reason: 'unix socket path must be absolute' };
    return { ok: true, connect: { path: info.path } };
  }
  if (info.kind === 'tcp') {
    if (!Number.isInteger(info.port) || info.port < 1 || info.port > 65535)
      return { ok: false, reason: `bad VNC port ${String(info.port)}` };
    const host = String(info.host);
    if (!isLoopbackHost(host) && host !== proxyclientAddress) {
      return { ok: false, reason: `VNC address ${host} is neither loopback nor vncserver_proxyclient_address` };
    }
    return { ok: true, connect: { host: host.replace(/^\[|\]$/g, ''), port: info.port } };
  }
  return { ok: false, reason: 'unknown console address kind' };
}
