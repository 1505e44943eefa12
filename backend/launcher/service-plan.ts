// Pure: which service processes a lab runs, from nova.conf and the topology — one line per
// process the course names, one nova-compute per lab host.
import path from 'node:path';
import type { NovaConf } from '../config/nova-conf.js';
import type { Topology } from '../config/topology.js';
import type { ServiceBinary } from '../../contract/services.js';
import { uefiFirmwareDirs } from '../compute/drivers/qemu/firmware.js';

export interface PortClaim {
  port: number;
  host: string;
  what: string;
}

export interface ServicePlanEntry {
  binary: ServiceBinary;
  host: string;
  /** Compiled entry point, relative to dist/. */
  entry: string;
  ports: PortClaim[];
  env: Record<string, string>;
  /** Node options placed before the entry (nova-compute runs under Node's permission model). */
  nodeArgs: string[];
}

/** Where a lab's processes may read and write: enough to run, never nova's database. */
export interface PlanPaths {
  appRoot: string;
  stateDir: string;
  /** The real folder of node_modules when it is a link out of the app (npm link, pnpm, a shared checkout). */
  modulesDir?: string;
}

/**
 * nova-compute may read the app, nova.conf, the topology, its service password, its hosts'
 * folders and the UEFI firmware whole-disk guests boot with, and write only the hosts' folders: Node's permission model then refuses it the
 * database (state/db) — the course's point that compute nodes never touch the database.
 */
export function computeNodeArgs(p: PlanPaths): string[] {
  const s = (...parts: string[]) => path.join(p.stateDir, ...parts);
  const reads = [
    p.appRoot,
    ...(p.modulesDir && !p.modulesDir.startsWith(p.appRoot + path.sep) ? [p.modulesDir] : []),
    s('nova.conf'),
    s('secrets', 'service-password'),
    s('hosts'),
    '/proc',
    '/dev/kvm',
    ...uefiFirmwareDirs(),
  ];
  return [
    '--experimental-permission',
    '--no-warnings',
    ...reads.map((r) => `--allow-fs-read=${r}`),
    `--allow-fs-write=${s('hosts')}`,
    '--allow-child-process',
  ];
}

export function planServices(
  conf: NovaConf,
  topology: Topology,
  paths: PlanPaths = { appRoot: '/nonexistent', stateDir: '/nonexistent' },
): ServicePlanEntry[] {
  const lab = conf.str('novalab.listen');
  const one = (binary: ServiceBinary, entry: string, ports: PortClaim[] = []): ServicePlanEntry => ({
    binary,
    host: 'novalab',
    entry,
    ports,
    env: {},
    nodeArgs: [],
  });
  return [
    // The conductor answers lists of every instance and writes the whole database: with the
    // services' 1 MB young generation each of those was promoted and swept from the old one;
    // it keeps Node's default (16 MB semi-spaces).
    { ...one('nova-conductor', 'backend/conductor/main.js'), nodeArgs: ['--max-semi-space-size=16'] },
    one('keystone', 'backend/identity/main.js', [{ port: conf.int('novalab.keystone_port'), host: lab, what: 'keystone' }]),
    one('glance-api', 'backend/image/main.js', [{ port: conf.int('novalab.glance_port'), host: lab, what: 'glance-api' }]),
    one('nova-scheduler', 'backend/scheduler/main.js'),
    ...topology.hosts.map((h): ServicePlanEntry => ({
      binary: 'nova-compute',
      host: h.name,
      entry: 'backend/compute/main.js',
      ports: [],
      // The launcher validated the topology; each compute gets its own host's part of it.
      env: { NOVALAB_HOST: h.name, NOVALAB_LAB_HOST: JSON.stringify(h) },
      nodeArgs: computeNodeArgs(paths),
    })),
    one('nova-consoleauth', 'backend/console/consoleauth-main.js'),
    one('nova-novncproxy', 'backend/console/novncproxy-main.js', [
      { port: conf.int('novncproxy_port'), host: conf.str('novncproxy_host'), what: 'nova-novncproxy' },
    ]),
    one('nova-api', 'backend/compute-api/main.js', [
      { port: conf.int('osapi_compute_listen_port'), host: conf.str('osapi_compute_listen'), what: 'nova-api osapi_compute' },
      { port: conf.int('metadata_listen_port'), host: conf.str('metadata_listen'), what: 'nova-api metadata' },
      { port: conf.int('ec2_listen_port'), host: conf.str('ec2_listen'), what: 'nova-api ec2' },
    ]),
  ];
}

/**
 * The services whose start is longest, spawned first: nova-api's master forks its workers
 * (two generations of processes), keystone hashes the bootstrap passwords, glance registers
 * the lab's images. The others are ready well before them; spawned last, nova-api's workers
 * were the lab's last answer.
 */
const SPAWN_FIRST: readonly ServiceBinary[] = ['nova-api', 'keystone', 'glance-api'];

/** Pure: the order to spawn the plan's processes in (each once; the rest in plan order). */
export function spawnOrder(plan: ServicePlanEntry[]): ServicePlanEntry[] {
  const rank = (p: ServicePlanEntry) => {
    const i = SPAWN_FIRST.indexOf(p.binary);
    return i === -1 ? SPAWN_FIRST.length : i;
  };
  return plan
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

/** Every port the lab needs, the GUI's included, for the check made before anything starts. */
export function allPortClaims(conf: NovaConf, plan: ServicePlanEntry[]): PortClaim[] {
  return [...plan.flatMap((s) => s.ports), { port: conf.int('novalab.gui_port'), host: conf.str('novalab.listen'), what: 'novalab gui' }];
}

/** Two services configured onto the same port is a configuration error, not a runtime one. */
export function duplicatePorts(claims: PortClaim[]): string[] {
  const seen = new Map<number, string>();
  const errors: string[] = [];
  for (const c of claims) {
    const other = seen.get(c.port);
    if (other) errors.push(`port ${c.port} is configured for both ${other} and ${c.what}`);
    else seen.set(c.port, c.what);
  }
  return errors;
}
