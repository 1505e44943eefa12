// Whether a host name or address stays on this machine: 127.0.0.0/8, ::1 (bracketed or not,
// or IPv4-mapped), or "localhost". Shared by the console proxy (which addresses it may dial)
// and nova-compute (whether a guest's VNC server can be a unix socket).
import net from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}
