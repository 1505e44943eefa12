// The lab's event view is scoped like OpenStack's APIs and holds no secrets (issue 9, point 1).
// A whole lab (fake driver): demo and admin each create a server with user data and an admin
// password and open its console. Then, through GET /lab/api/events and the event WebSocket
// (backlog and live): demo sees its own requests' events (the scheduler's explanation
// included) and nothing of admin's; no event anywhere holds a console token, a keystone token,
// user data, a password or the metadata secret; and nothing demo read opens admin's console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { LabEvent } from '../../contract/events.js';
import { tokenFromUrl } from '../../backend/console/console-request.js';
import { closeOf, openWebSocket } from '../../backend/console/testing/rfb-probe.js';
import { startLab, eventually, labToken, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';

interface Party {
  name: string;
  client: ComputeClient;
  project: string;
  serverId: string;
  requestIds: Set<string>;
  consoleToken: string;
  userData: string;
  adminPass: string;
}

let lab: LabHandle;
let admin: Party;
let demo: Party;
const demoLive: LabEvent[] = [];
let demoStream: WebSocket;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function labEvents(token: string): Promise<LabEvent[]> {
  const res = await fetch(lab.url('gui', '/lab/api/events'), { headers: { 'X-Auth-Token': token } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { events: LabEvent[] }).events;
}

/** A stream of the lab's events as `token` sees them: backlog, then live. */
async function stream(token: string, into: LabEvent[]): Promise<WebSocket> {
  const ws = new WebSocket(lab.url('gui', '/lab/api/events/stream').replace('http:', 'ws:'));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('message', (m) => into.push(JSON.parse(String(m)) as LabEvent));
  ws.send(JSON.stringify({ token, since: 0 }));
  return ws;
}

/** What the console proxy says to a token: 1005 (a close without status) is "invalid token"; anything else means it opened. */
async function tryConsole(token: string): Promise<number> {
  const origin = `http://127.0.0.1:${lab.port('nova-novncproxy')}`;
  const ws = await openWebSocket(`ws://127.0.0.1:${lab.port('nova-novncproxy')}/?token=${encodeURIComponent(token)}`, { origin });
  const closed = closeOf(ws);
  const t = setTimeout(() => ws.close(1000), 5000);
  const { code } = await closed;
  clearTimeout(t);
  return code;
}

async function party(name: string, client: ComputeClient): Promise<Party> {
  const userData = Buffer.from(`#!/bin/sh\necho user-data-of-${name}-${randomBytes(6).toString('hex')}\n`).toString('base64');
  const adminPass = `pw-${name}-${randomBytes(6).toString('hex')}`;
  const requestIds = new Set<string>();
  const flavors = await client.request('GET', '/flavors');
  const flavor = (flavors.body.flavors as { id: string; name: string }[]).find((f) => f.name === 'm1.tiny')!.id;
  const image = await client.imageId('novalab-x86_64');
  const created = await client.request('POST', '/servers', {
    server: {
      name: `${name}-vm`,
      imageRef: image,
      flavorRef: flavor,
      networks: 'none',
      user_data: userData,
      adminPass,
      metadata: { owner: name },
    },
  });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  requestIds.add(created.headers.get('x-openstack-request-id')!);
  const serverId = created.body.server.id as string;
  const s = await client.settled(serverId);
  assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
  const con = await client.request('POST', `/servers/${serverId}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'novnc' } });
  assert.equal(con.status, 200, JSON.stringify(con.body));
  requestIds.add(con.headers.get('x-openstack-request-id')!);
  const consoleToken = tokenFromUrl(
    new URL(con.body.remote_console.url as string).pathname + new URL(con.body.remote_console.url as string).search,
  )!;
  assert.ok(consoleToken);
  return { name, client, project: await client.projectId(), serverId, requestIds, consoleToken, userData, adminPass };
}

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  const demoClient = await ComputeClient.user(lab, 'demo', 'demo');
  demoStream = await stream(demoClient.authToken, demoLive);
  demo = await party('demo', demoClient);
  admin = await party('admin', await ComputeClient.admin(lab));
  // Each console token used once at the proxy, as a browser would (check_token carries it).
  for (const p of [demo, admin]) assert.notEqual(await tryConsole(p.consoleToken), 1005, `${p.name}'s own console token is refused`);
  // Everything above has reached the event log (the proxy's checks come last).
  await eventually('the console checks in the event log', async () => {
    const all = await labEvents(admin.client.authToken);
    const validated = all.filter((e) => e.step === 'consoleauth.validated').map((e) => e.ctx?.instance_uuid);
    return validated.includes(admin.serverId) && validated.includes(demo.serverId);
  });
});

after(async () => {
  demoStream?.close();
  await lab?.stop();
});

/** Every secret of the scenario: no event may contain any of them, in any view. */
function secrets(): string[] {
  const metadataSecret = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'metadata-hmac'), 'utf8').trim();
  const decoded = (b64: string) => Buffer.from(b64, 'base64').toString('utf8').trim().split('\n').pop()!;
  return [demo, admin]
    .flatMap((p) => [p.consoleToken, p.client.authToken, p.userData, decoded(p.userData), p.adminPass])
    .concat(metadataSecret);
}

function assertNoSecrets(events: LabEvent[], view: string): void {
  const text = JSON.stringify(events);
  for (const s of secrets()) {
    const at = events.find((e) => JSON.stringify(e).includes(s));
    assert.ok(!text.includes(s), `${view}: a secret is in event ${at ? JSON.stringify(at).slice(0, 400) : '?'}`);
  }
}

/** The ids of admin's side that demo must never see. */
function assertNothingOfAdmin(events: LabEvent[], view: string): void {
  assert.ok(events.length > 0, `${view} is empty`);
  for (const e of events) {
    const text = JSON.stringify(e);
    const leak = [admin.serverId, admin.project, ...admin.requestIds].find((id) => text.includes(id));
    assert.equal(leak, undefined, `${view} shows admin's ${leak} in ${text.slice(0, 400)}`);
    assert.ok(
      e.ctx?.project_id === demo.project || (!e.ctx?.project_id && e.kind === 'service'),
      `${view}: not demo's event: ${text.slice(0, 300)}`,
    );
  }
}

test("demo's event view (REST): its own requests, the scheduler's explanation included, nothing of admin's", async () => {
  const events = await labEvents(demo.client.authToken);
  assertNothingOfAdmin(events, 'GET /lab/api/events as demo');
  const mine = events.filter((e) => e.ctx?.instance_uuid === demo.serverId);
  assert.ok(
    mine.some((e) => e.step === 'scheduler.decide' && (e.detail as { chosen?: string })?.chosen),
    "demo sees the scheduler's decision for its server",
  );
  assert.ok(
    mine.some((e) => e.topic?.startsWith('compute.') && e.method === 'build_and_run_instance'),
    'demo sees the cast to its compute host',
  );
  assert.ok(
    events.some((e) => e.kind === 'http' && [...demo.requestIds].includes(e.ctx!.request_id!)),
    'demo sees its API requests',
  );
  // Filters on another project's ids give nothing either.
  const res = await fetch(lab.url('gui', `/lab/api/events?instance_uuid=${admin.serverId}`), {
    headers: { 'X-Auth-Token': demo.client.authToken },
  });
  assert.deepEqual(((await res.json()) as { events: LabEvent[] }).events, []);
});

test("demo's event stream (backlog and live) is scoped the same way", async () => {
  const backlog: LabEvent[] = [];
  const ws = await stream(demo.client.authToken, backlog);
  try {
    await eventually('the backlog', () => backlog.length > 0);
    // Something live from admin's project after the stream opened: it must not reach demo.
    const r = await admin.client.request('GET', `/servers/${admin.serverId}`);
    admin.requestIds.add(r.headers.get('x-openstack-request-id')!);
    const d = await demo.client.request('GET', `/servers/${demo.serverId}`);
    const demoRid = d.headers.get('x-openstack-request-id')!;
    await eventually("demo's own live request on the stream", () => backlog.some((e) => e.ctx?.request_id === demoRid));
    assertNothingOfAdmin(backlog, 'the event stream as demo');
    assertNothingOfAdmin(demoLive, "demo's stream opened before anything happened");
    assert.ok(demoLive.some((e) => e.ctx?.instance_uuid === demo.serverId));
  } finally {
    ws.close();
  }
});

test('no event in any view holds a console token, a keystone token, user data, a password or the metadata secret', async () => {
  const all = await labEvents(admin.client.authToken);
  assertNoSecrets(all, "admin's view (every event)");
  assertNoSecrets(await labEvents(demo.client.authToken), "demo's view");
  assertNoSecrets(demoLive, "demo's stream");
  // The console flow is there, only without its secret.
  const authorized = all.find(
    (e) => e.kind === 'rpc.reply' && e.method === 'authorize_console' && admin.requestIds.has(e.ctx?.request_id ?? ''),
  );
  assert.ok(authorized, 'the consoleauth reply is an event');
  assert.equal((authorized!.detail as { token: string }).token, '***');
});

test("nothing demo can read in its events opens admin's console", async () => {
  const events = await labEvents(demo.client.authToken);
  const candidates = new Set<string>();
  for (const e of [...events, ...demoLive]) for (const m of JSON.stringify(e).matchAll(UUID)) candidates.add(m[0]);
  assert.ok(candidates.size > 0);
  for (const c of candidates) assert.equal(await tryConsole(c), 1005, `the proxy accepted ${c}, read from demo's events`);
  assert.notEqual(await tryConsole(admin.consoleToken), 1005, "admin's real token still works: the probe tells them apart");
});

test("admin sees both projects' events, still without secrets", async () => {
  const all = await labEvents(admin.client.authToken);
  for (const p of [admin, demo]) {
    assert.ok(
      all.some((e) => e.ctx?.instance_uuid === p.serverId && e.ctx?.project_id === p.project),
      `admin sees ${p.name}'s server's events`,
    );
    assert.ok(all.some((e) => e.step === 'scheduler.decide' && e.ctx?.instance_uuid === p.serverId));
  }
});

test('every hop of a build carries the project of the request: api, conductor, scheduler, compute and their replies', async () => {
  const all = await labEvents(admin.client.authToken);
  for (const p of [demo, admin]) {
    const build = all.filter((e) => e.ctx?.instance_uuid === p.serverId);
    const hops = new Set(build.map((e) => `${e.kind}:${e.topic ?? e.step ?? ''}`));
    for (const hop of [
      'rpc.cast:conductor',
      'rpc.call:scheduler',
      'rpc.reply:scheduler',
      'rpc.call:lab',
      'step:scheduler.decide',
      'step:compute.driver',
    ]) {
      assert.ok(hops.has(hop), `${p.name}: no ${hop} event with its instance (${[...hops].join(', ')})`);
    }
    assert.ok(
      build.some((e) => e.topic?.startsWith('compute.')),
      `${p.name}: no compute event`,
    );
    // Any event that names the server at all is its project's, or (before the proxy knows
    // whose console token it holds) no project's and so admin's only, never everyone's.
    for (const e of all.filter((x) => JSON.stringify(x).includes(p.serverId))) {
      const ok = e.ctx?.project_id ? e.ctx.project_id === p.project : e.kind !== 'service';
      assert.ok(ok, `${p.name}: an event naming its server in another scope: ${JSON.stringify(e).slice(0, 300)}`);
    }
  }
});

test("step mode: a member sees only its own project's holds, and a held request shows no secrets", async () => {
  const gui = (p: string, token: string, init: RequestInit = {}) =>
    fetch(lab.url('gui', p), { ...init, headers: { 'X-Auth-Token': token, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  assert.equal(
    (await gui('/lab/api/step-mode', admin.client.authToken, { method: 'PUT', body: JSON.stringify({ enabled: true }) })).status,
    200,
  );
  const image = await admin.client.imageId('novalab-x86_64');
  const pending = admin.client.request('POST', '/servers', {
    server: { name: 'held-vm', imageRef: image, flavorRef: '1', networks: 'none', user_data: admin.userData, adminPass: admin.adminPass },
  });
  try {
    const holds = await eventually("admin's request held", async () => {
      const h = (await (await gui('/lab/api/step-mode', admin.client.authToken)).json()) as { holds: unknown[] };
      return h.holds.length > 0 ? h.holds : null;
    });
    assert.ok(
      !JSON.stringify(holds).includes(admin.adminPass) && !JSON.stringify(holds).includes(admin.userData),
      'the held request shows its secrets',
    );
    const seen = (await (await gui('/lab/api/step-mode', demo.client.authToken)).json()) as { enabled: boolean; holds: unknown[] };
    assert.equal(seen.enabled, true);
    assert.deepEqual(seen.holds, [], "demo sees admin's held request");
    assert.equal((await gui('/lab/api/step-mode/next', demo.client.authToken, { method: 'POST', body: '{}' })).status, 403);
    const holdEvents = (await labEvents(demo.client.authToken)).filter((e) => e.kind === 'hold');
    for (const e of holdEvents) assert.deepEqual((e.detail as { holds: unknown[] }).holds, [], "a hold event shows demo admin's hold");
  } finally {
    await gui('/lab/api/step-mode', admin.client.authToken, { method: 'PUT', body: JSON.stringify({ enabled: false }) });
  }
  assert.equal((await pending).status, 202);
  assertNoSecrets(await labEvents(admin.client.authToken), "admin's view after step mode");
});

test('an open event stream ends (4001) once its token is revoked', async () => {
  const token = await labToken(lab, 'demo', 'demo');
  const got: LabEvent[] = [];
  const ws = await stream(token, got);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await eventually('the backlog', () => got.length > 0);
  const res = await fetch(lab.url('keystone', '/v3/auth/tokens'), {
    method: 'DELETE',
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  });
  assert.equal(res.status, 204);
  // Checked every 10 s against keystone, whose answers the lab caches for 5 s.
  const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 40_000))]);
  assert.equal(code, 4001);
});
