// Start and stop a whole lab for benchmarks and tests: `novalab up` in a temp state dir at a
// free port offset, waiting for its `ready` line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { appRoot } from '../backend/common/app-root.js';
import { DEFAULT_PORTS } from '../contract/services.js';

export interface LabHandle {
  child: ChildProcess;
  stateDir: string;
  offset: number;
  output: string[];
  port(name: keyof typeof DEFAULT_PORTS): number;
  url(name: keyof typeof DEFAULT_PORTS, path?: string): string;
  stop(): Promise<void>;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port the kernel just gave out on 127.0.0.1 and that is free again (for one service's own port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * An offset at which every default port of the lab is free. The lab's ports stay below the
 * kernel's ephemeral range (32768+), where any outgoing connection could take one between this
 * check and the lab's listen.
 */
export async function freePortOffset(start = 10000 + Math.floor(Math.random() * 120) * 100): Promise<number> {
  const highest = Math.max(...Object.values(DEFAULT_PORTS));
  const limit = 32768 - highest;
  for (let i = 0, offset = start; i < 140; i++, offset = offset + 100 >= limit ? 10000 : offset + 100) {
    const ports = Object.values(DEFAULT_PORTS).map((p) => p + offset);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return offset;
  }
  throw new Error('no free port offset');
}

export interface StartLabOptions {
  novaConf?: string;
  stateDir?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Gives up (the launcher killed) when this fires before the lab is ready. */
  signal?: AbortSignal;
}

/** A state directory of its own, removed when this test process exits (each holds a copy of the
 *  lab's images per host, a few hundred MB; a file may restart a lab on it, so not at stop). */
const madeDirs = new Set<string>();
function madeStateDir(): string {
  if (madeDirs.size === 0) process.once('exit', () => madeDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-'));
  madeDirs.add(dir);
  return dir;
}

export async function startLab(opts: StartLabOptions = {}): Promise<LabHandle> {
  const stateDir = opts.stateDir ?? madeStateDir();
  if (opts.novaConf !== undefined) fs.writeFileSync(path.join(stateDir, 'nova.conf'), opts.novaConf);
  const offset = await freePortOffset();
  const child = spawn(
    process.execPath,
    [path.join(appRoot(), 'bin', 'novalab.js'), 'up', '--state-dir', stateDir, '--port-offset', String(offset)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    },
  );
  const output: string[] = [];
  const handle: LabHandle = {
    child,
    stateDir,
    offset,
    output,
    port: (name) => DEFAULT_PORTS[name] + offset,
    url: (name, p = '') => `http://127.0.0.1:${DEFAULT_PORTS[name] + offset}${p}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`lab not ready in time:\n${output.join('\n')}`));
    }, opts.timeoutMs ?? 900_000);
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        output.push(line);
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`novalab up exited with ${code}:\n${output.join('\n')}`));
    });
    opts.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        // Half-started: the launcher may not yet stop what it spawned, so end the whole tree.
        if (child.pid && child.exitCode === null) killTree(child.pid);
        reject(opts.signal!.reason);
      },
      { once: true },
    );
  });
  return handle;
}

/** SIGKILL a process and every descendant (collected first, so none is orphaned unseen). */
export function killTree(root: number): void {
  for (const pid of processTree(root).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The PIDs of a process and all its descendants (Linux /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** Authenticate against a lab's keystone; returns the token and the body's project. */
export async function labToken(lab: LabHandle, user = 'admin', password = 'novalab', project = user): Promise<string> {
  const res = await fetch(lab.url('keystone', '/v3/auth/tokens'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: user, domain: { id: 'default' }, password },
          },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`keystone said ${res.status} to ${user}`);
  return res.headers.get('x-subject-token')!;
}

/** Environment for the real openstack CLI against a lab (what its openrc says). */
export function cliEnv(lab: LabHandle, over: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OS_')) delete env[k];
  return {
    ...env,
    OS_AUTH_URL: lab.url('keystone', '/v3'),
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'novalab',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'public',
    OS_COMPUTE_API_VERSION: '2.37',
    ...over,
  };
}

/** Wait until `check` returns a truthy value, or fail after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 30_000,
  every = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** A topology file with these lab hosts, each completed with the defaults of a plain x86_64 QEMU host. */
export function topologyFile(hosts: object[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-topo-')), 'topology.json');
  const full = hosts.map((h) => ({
    availability_zone: 'nova',
    architectures: ['x86_64'],
    hypervisor_types: ['qemu'],
    disk_gb: 100,
    capabilities: {},
    aggregates: [],
    metrics: {},
    ...h,
  }));
  fs.writeFileSync(file, JSON.stringify({ hosts: full }));
  return file;
}
