// The machine's own account of a process tree (Linux /proc), to check what the GUI says
// about pids and sockets against the kernel rather than against the lab.
import fs from 'node:fs';

const read = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

const allPids = () =>
  fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);

/** The inode of the loopback TCP socket listening on `port`, or null. */
export function listeningInode(port: number): string | null {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(file) ?? '').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A') return f[9] ?? null;
    }
  }
  return null;
}

/** The pids that hold a socket with this inode among their file descriptors. */
export function socketHolders(inode: string): number[] {
  const want = `socket:[${inode}]`;
  return allPids().filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === want;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

export function parentPid(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name may hold spaces and parentheses: the fields after its last ')' are plain.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export function environ(pid: number): Record<string, string> {
  const text = read(`/proc/${pid}/environ`) ?? '';
  return Object.fromEntries(
    text
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

export const childrenOf = (pid: number): number[] => allPids().filter((p) => parentPid(p) === pid);

export const cmdline = (pid: number): string => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
