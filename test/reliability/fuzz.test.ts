// The fuzz test: one real lab (fake compute driver), then thousands of seeded malformed requests
// against every listener it opens — keystone, glance, nova-api's compute, metadata and EC2
// ports, nova-novncproxy (HTTP and WebSocket), the GUI server and its event stream. What a
// user relies on: bad input is the client's error (4xx), never a server error (5xx), never a
// stopped or restarted process, never an answer that takes over 5 s, and no answer shows
// where the lab lives on the host.
//
// NOVALAB_FUZZ_SEED replays a run (the seed is printed), NOVALAB_FUZZ_CASES sets the count
// (default 10,000), NOVALAB_FUZZ_ONLY=12,345 replays single cases of that seed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { appRoot } from '../../backend/common/app-root.js';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { labProcesses, launcherGone, processChanges } from '../../harness/lab-services.js';
import { makeCase, type FuzzContext, type Listener } from './fuzz/cases.js';
import { computeRoutes, consolePaths, identityRoutes, imageRoutes, labApiRoutes, metadataPaths } from './fuzz/routes.js';
import { describe as describeCase, send, type Outcome } from './fuzz/send.js';

const SEED = process.env.NOVALAB_FUZZ_SEED || randomBytes(6).toString('hex');
const CASES = Number(process.env.NOVALAB_FUZZ_CASES || 10_000);
const ONLY = (process.env.NOVALAB_FUZZ_ONLY ?? '').split(',').filter(Boolean).map(Number);
const CONCURRENCY = Number(process.env.NOVALAB_FUZZ_CONCURRENCY || 12);
const TIMEOUT_MS = 5_000;

let lab: LabHandle;
let ctx: FuzzContext;

async function json(url: string, token: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { headers: { 'x-auth-token': token, ...headers } });
  return res.ok ? res.json() : {};
}

async function post(url: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  const admin = await labToken(lab);
  const demo = await labToken(lab, 'demo', 'demo');
  const nova = (p: string) => lab.url('osapi_compute', `/v2.1${p}`);
  const v = { 'OpenStack-API-Version': 'compute 2.37' };

  // What exists (read by cases that only read) …
  const ids = (list: Record<string, unknown>[] | undefined, key = 'id') => (list ?? []).map((x) => String(x[key]));
  const images = ids((await json(lab.url('glance-api', '/v2/images'), admin)).images);
  const real: Record<string, string[]> = {
    images,
    flavors: ids((await json(nova('/flavors'), admin)).flavors),
    hypervisors: ids((await json(nova('/os-hypervisors'), admin, { 'OpenStack-API-Version': 'compute 2.53' })).hypervisors),
    services: ids((await json(nova('/os-services'), admin, { 'OpenStack-API-Version': 'compute 2.53' })).services),
    projects: ids((await json(lab.url('keystone', '/v3/projects'), admin)).projects),
    users: ids((await json(lab.url('keystone', '/v3/users'), admin)).users),
    roles: ids((await json(lab.url('keystone', '/v3/roles'), admin)).roles),
    domains: ids((await json(lab.url('keystone', '/v3/domains'), admin)).domains),
    catalog_services: ids((await json(lab.url('keystone', '/v3/services'), admin)).services),
    endpoints: ids((await json(lab.url('keystone', '/v3/endpoints'), admin)).endpoints),
    regions: ids((await json(lab.url('keystone', '/v3/regions'), admin)).regions),
    extra_specs: ['hw:cpu_policy', 'x'],
    tags: ['fuzz', 'x'],
  };
  // … and what the fuzzer owns (cases that write aim only at these).
  const bootable = (await json(lab.url('glance-api', '/v2/images?name=novalab-x86_64'), admin)).images?.[0]?.id ?? images[0];
  const servers: string[] = [];
  for (const name of ['fuzz-a', 'fuzz-b']) {
    servers.push(
      (await post(nova('/servers'), admin, { server: { name, imageRef: bootable, flavorRef: '1', networks: 'none' } }, v)).server.id,
    );
  }
  const ownedImages: string[] = [];
  for (const disk_format of ['qcow2', 'raw', 'vmdk', 'vdi', 'iso', 'aki']) {
    ownedImages.push(
      (await post(lab.url('glance-api', '/v2/images'), admin, { name: `fuzz-${disk_format}`, disk_format, container_format: 'bare' })).id,
    );
  }
  await post(nova('/os-keypairs'), admin, { keypair: { name: 'fuzz-owned' } }, v);
  const group = (await post(nova('/os-server-groups'), admin, { server_group: { name: 'fuzz', policies: ['affinity'] } }, v)).server_group
    .id;
  const requests = ids((await json(nova(`/servers/${servers[0]}/os-instance-actions`), admin)).instanceActions, 'request_id');
  ctx = {
    ports: {
      identity: lab.port('keystone'),
      image: lab.port('glance-api'),
      compute: lab.port('osapi_compute'),
      metadata: lab.port('metadata'),
      ec2: lab.port('ec2'),
      novncproxy: lab.port('nova-novncproxy'),
      gui: lab.port('gui'),
    },
    tokens: { admin, demo },
    // Writes (actions, DELETE) may hit the second server only: the first stays for the metadata service.
    real: { ...real, requests, servers },
    owned: { servers: servers.slice(1), images: ownedImages, keypairs: ['fuzz-owned'], groups: [group], tags: ['fuzz'], requests },
    metadataSecret: fs.readFileSync(path.join(lab.stateDir, 'secrets', 'metadata-hmac'), 'utf8').trim(),
    routes: {
      compute: computeRoutes(),
      identity: identityRoutes(),
      image: imageRoutes(),
      metadata: metadataPaths(),
      console: consolePaths(),
      labApi: labApiRoutes(),
    },
  };
});

after(async () => {
  await lab?.stop();
  if (lab) fs.rmSync(lab.stateDir, { recursive: true, force: true });
});

/** Where this lab lives on the host: no error answer may name it. */
function hostPathIn(body: string): string | null {
  const roots = [
    lab.stateDir,
    fs.realpathSync(lab.stateDir),
    appRoot(),
    fs.realpathSync(appRoot()),
    fs.realpathSync(path.join(appRoot(), 'node_modules')),
  ];
  const hit = roots.find((r) => body.includes(r));
  if (hit) return hit;
  const frame = body.match(/\bat .{0,200}?\.[cm]?js:\d+:\d+/);
  return frame ? frame[0] : null;
}

test(
  `fuzz every listener of a lab: seeded cases, 0 answers of 5xx, 0 restarts, 0 hangs over ${TIMEOUT_MS / 1000} s`,
  { timeout: 30 * 60_000 },
  async () => {
    const numbers = ONLY.length ? ONLY : Array.from({ length: CASES }, (_, i) => i);
    console.log(`fuzz: seed ${SEED} (NOVALAB_FUZZ_SEED=${SEED} replays this run), ${numbers.length} cases, ${CONCURRENCY} in flight`);
    const before = await labProcesses(lab);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const serverErrors: string[] = [];
    const hangs: string[] = [];
    const leaks: string[] = [];
    const unsendable: string[] = [];
    const resets: string[] = [];
    const times: number[] = [];
    const byListener = new Map<Listener, Map<string, number>>();
    const count = (l: Listener, o: Outcome) => {
      const key = o.timedOut
        ? 'timeout'
        : o.status === null
          ? o.error
            ? `closed(${o.error})`
            : 'closed'
          : o.status === 101
            ? 'upgraded'
            : `${String(o.status)[0]}xx`;
      const m = byListener.get(l) ?? new Map<string, number>();
      m.set(key, (m.get(key) ?? 0) + 1);
      byListener.set(l, m);
    };

    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < numbers.length) {
        const n = numbers[next++]!;
        const c = makeCase(SEED, n, ctx);
        const t0 = performance.now();
        const o = await send(c, agent, TIMEOUT_MS);
        times.push(performance.now() - t0);
        count(c.listener, o);
        const line = () => `#${n} ${describeCase(c)} → ${o.status ?? '-'} ${JSON.stringify(o.body.slice(0, 400))}`;
        if (o.status !== null && o.status >= 500) serverErrors.push(line());
        if (o.timedOut) hangs.push(line());
        if (o.error?.startsWith('client refused')) unsendable.push(`${line()} ${o.error}`);
        else if (o.error && o.status === null && c.kind === 'http' && !c.abort) resets.push(`${line()} ${o.error}`);
        // Error texts only: the lab's own event log shows real commands and paths on purpose.
        const leak = o.status !== null && o.status >= 400 ? hostPathIn(o.body) : null;
        if (leak) leaks.push(`${line()} names ${leak}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;

    // A crash shows as a restart count, a new PID or a new worker PID (nova-api's master restarts its
    // own workers); a launcher that exited takes the whole lab, and its services endpoint, with it.
    await new Promise((r) => setTimeout(r, 1500));
    const gone = launcherGone(lab);
    const afterwards = gone
      ? null
      : await eventually(
          'every service running again',
          async () => {
            const now = await labProcesses(lab);
            return [...now.values()].every((p) => p.state === 'running') ? now : null;
          },
          30_000,
        )
          .catch(() => labProcesses(lab))
          .catch(() => null);
    const restarts = afterwards ? processChanges(before, afterwards) : [gone ?? "the lab's services endpoint does not answer"];

    const table = [...byListener.entries()].sort().map(
      ([l, m]) =>
        `  ${l.padEnd(14)} ${[...m.entries()]
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
    );
    console.log(`fuzz: ${numbers.length} cases in ${seconds.toFixed(1)} s, seed ${SEED}\n${table.join('\n')}`);
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(0);
    console.log(`fuzz: time to answer (or close) p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
    console.log(
      `fuzz: 5xx answers: ${serverErrors.length}, hangs over ${TIMEOUT_MS / 1000} s: ${hangs.length}, process restarts: ${restarts.length}, error answers naming a host path: ${leaks.length}`,
    );
    for (const [what, list] of [
      ['5xx', serverErrors],
      ['hang', hangs],
      ['restart', restarts],
      ['host path', leaks],
      ['unsendable case', unsendable],
      ['closed without an answer (not a failure)', resets],
    ] as const) {
      for (const l of list.slice(0, what.startsWith('closed') ? 8 : 40)) console.log(`fuzz ${what}: ${l}`);
      if (list.length > 40) console.log(`fuzz ${what}: … and ${list.length - 40} more`);
      else if (what.startsWith('closed') && list.length > 8) console.log(`fuzz ${what}: … and ${list.length - 8} more`);
    }

    assert.deepEqual(restarts, [], 'no process of the lab died or restarted');
    assert.deepEqual(serverErrors, [], 'no listener answered 5xx');
    assert.deepEqual(hangs, [], `every request was answered or closed within ${TIMEOUT_MS / 1000} s`);
    assert.deepEqual(leaks, [], 'no error answer names a host path');
    assert.deepEqual(unsendable, [], "every case was sent (a case Node's client refuses is a bug of the generator)");

    // And the lab still works: a read through every listener.
    const admin = ctx.tokens.admin;
    assert.equal((await fetch(lab.url('osapi_compute', '/v2.1/servers'), { headers: { 'x-auth-token': admin } })).status, 200);
    assert.equal((await fetch(lab.url('glance-api', '/v2/images'), { headers: { 'x-auth-token': admin } })).status, 200);
    assert.equal(
      (await fetch(lab.url('keystone', '/v3/auth/tokens'), { headers: { 'x-auth-token': admin, 'x-subject-token': admin } })).status,
      200,
    );
    assert.equal((await fetch(lab.url('gui', '/compute/v2.1/flavors'), { headers: { 'x-auth-token': admin } })).status, 200);
    assert.equal((await fetch(lab.url('nova-novncproxy', '/vnc_lite.html'))).status, 200);
    assert.equal((await fetch(lab.url('metadata', '/'))).status, 200);
  },
);
