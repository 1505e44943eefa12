// The sockets processes listen on (Linux /proc): each process's socket inodes, from the links
// in /proc/<pid>/fd, matched against its network namespace's tables /proc/<pid>/net/{tcp,
// tcp6,udp,udp6}. TCP: sockets in LISTEN; UDP: every bound socket (UDP has no listen state).
import fs from 'node:fs';

export type SocketTable = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export interface Listener {
  pid: number;
  /** The process's name (comm), for the report. */
  name: string;
  table: SocketTable;
  address: string;
  port: number;
}

/** The inodes of the sockets a process has open (none if it is gone or not ours). */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** /proc's hex address: IPv4 is one little-endian word; IPv6 four of them. */
export function decodeAddress(hex: string): string {
  const bytes = (hex.match(/../g) ?? []).map((b) => parseInt(b, 16));
  const words = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.slice(i * 4, i * 4 + 4).reverse()).flat();
  if (words.length === 4) return words.join('.');
  const mapped = words.slice(0, 10).every((b) => b === 0) && words[10] === 0xff && words[11] === 0xff;
  if (mapped) return `::ffff:${words.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((words[i * 2]! << 8) | words[i * 2 + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1); // the URL parser writes the short form
}

const LISTEN = '0A'; // TCP_LISTEN in /proc/net/tcp's "st" column

export function listeners(pid: number): Listener[] {
  const inodes = socketInodes(pid);
  if (inodes.size === 0) return [];
  let name = '?';
  try {
    name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    /* gone */
  }
  const out: Listener[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      if (table.startsWith('tcp') && f[3] !== LISTEN) continue;
      const [hexIp, hexPort] = f[1]!.split(':');
      out.push({ pid, name, table, address: decodeAddress(hexIp!), port: parseInt(hexPort!, 16) });
    }
  }
  return out;
}

/** 127.0.0.0/8, ::1, or an IPv4-mapped 127.0.0.0/8: reachable from this machine only. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d+\.\d+\.\d+$/.test(v4) || address === '::1';
}

export const describeListener = (l: Listener) =>
  `${l.table} ${l.table.endsWith('6') ? `[${l.address}]` : l.address}:${l.port} (pid ${l.pid} ${l.name})`;
