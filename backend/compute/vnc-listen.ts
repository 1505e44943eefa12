// Where a host's guests' VNC servers listen — a pure decision from nova.conf and the OS.
// Only nova-novncproxy may reach a guest's screen (the console token is the gate):
// - a unix socket in the owner-only instance directory where that is possible: no other
//   user, and no browser page (which can reach loopback TCP), can connect to it;
// - TCP with a random per-guest VNC password, which only the proxy is given, where a unix
//   socket cannot serve: vncserver_listen is not a loopback address (a proxy on another
//   machine must reach the guest), QEMU on Windows (its VNC server has no unix sockets), or
//   nova.conf asks for TCP ([novalab] vnc_unix_socket = false).
import { isLoopbackHost } from '../common/loopback.js';
import type { VncListen } from './driver.js';

export interface VncListenInput {
  /** [DEFAULT] vncserver_listen */
  listen: string;
  /** [novalab] vnc_unix_socket */
  unixSocket: boolean;
  platform: NodeJS.Platform;
}

export function chooseVncListen(i: VncListenInput): VncListen & { why: string } {
  const tcp = (why: string) => ({
    kind: 'tcp' as const,
    host: i.listen,
    why: `${why}: TCP on ${i.listen} with a per-instance VNC password`,
  });
  if (!isLoopbackHost(i.listen)) return tcp(`vncserver_listen ${i.listen} is not a loopback address`);
  if (i.platform === 'win32') return tcp('QEMU on Windows has no unix-socket VNC');
  if (!i.unixSocket) return tcp('vnc_unix_socket = false');
  return { kind: 'unix', why: 'a unix socket in the owner-only instance directory' };
}

/** The host nova-novncproxy dials for a TCP display: the address QEMU reports, unless it
 *  listens on every interface (vncserver_listen = 0.0.0.0 or ::) — then
 *  vncserver_proxyclient_address, the address Nova's drivers hand the proxy. */
export function proxyDialHost(reported: string, proxyclientAddress: string): string {
  const h = reported.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' ? proxyclientAddress : reported;
}
