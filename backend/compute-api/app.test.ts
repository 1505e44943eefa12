// The compute API over real HTTP, in-process, against an in-memory cloud (no processes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeApp } from './app.js';
import { ADMIN_KERNEL, BORROWER, fakeCloud, HUGE_IMAGE, IMAGE, type FakeCloud } from './testing/fake-cloud.js';

let cloud: FakeCloud;
let server: http.Server;
let base: string;

before(async () => {
  cloud = fakeCloud();
  server = http.createServer(computeApp(cloud.deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

async function api(
  method: string,
  path: string,
  opts: { token?: string | null; version?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers['X-Auth-Token'] = opts.token ?? 'admin';
  if (opts.version) headers['OpenStack-API-Version'] = `compute ${opts.version}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const create = (token = 'admin', extra: Record<string, unknown> = {}, version = '2.37') =>
  api('POST', '/v2.1/servers', {
    token,
    version,
    body: { server: { name: 'vm1', imageRef: IMAGE.id, flavorRef: '1', networks: 'none', ...extra } },
  });

test('version documents need no token; the catalog URL without a slash works', async () => {
  const doc = await api('GET', '/v2.1', { token: null });
  assert.equal(doc.status, 200);
  assert.equal(doc.body.version.version, '2.96');
  assert.equal(doc.body.version.min_version, '2.1');
  assert.equal(doc.body.version.links[0].href, `${base}/v2.1/`);
  assert.equal((await api('GET', '/v2.1/', { token: null })).status, 200);
  const root = await api('GET', '/', { token: null });
  assert.deepEqual(
    root.body.versions.map((v: { id: string }) => v.id),
    ['v2.0', 'v2.1'],
  );
});

test('every response carries a request id and the negotiated version', async () => {
  const r = await api('GET', '/v2.1/flavors', { version: '2.55' });
  assert.match(r.headers.get('x-openstack-request-id')!, /^req-[0-9a-f-]{36}$/);
  assert.equal(r.headers.get('openstack-api-version'), 'compute 2.55');
  assert.equal(r.headers.get('x-openstack-nova-api-version'), '2.55');
  assert.match(r.headers.get('vary')!, /OpenStack-API-Version/);
  const old = await api('GET', '/v2.1/flavors');
  assert.equal(old.headers.get('x-openstack-nova-api-version'), '2.1');
});

test("bad versions, tokens, bodies and paths get Nova's fault bodies", async () => {
  const tooNew = await api('GET', '/v2.1/servers', { version: '2.97' });
  assert.equal(tooNew.status, 406);
  assert.deepEqual(tooNew.body, {
    computeFault: { code: 406, message: 'Version 2.97 is not supported by the API. Minimum is 2.1 and maximum is 2.96.' },
  });
  assert.equal((await api('GET', '/v2.1/servers', { version: 'x.y' })).status, 400);
  const noToken = await api('GET', '/v2.1/servers', { token: null });
  assert.equal(noToken.status, 401);
  assert.ok(noToken.body.unauthorized);
  assert.match(noToken.headers.get('www-authenticate')!, /^Keystone uri="http:\/\/127\.0\.0\.1:5000"$/);
  assert.equal((await api('GET', '/v2.1/servers', { token: 'forged' })).status, 401);
  const malformed = await api('POST', '/v2.1/servers', { raw: '{"server": ' });
  assert.deepEqual(malformed.body, { badRequest: { code: 400, message: 'Malformed request body' } });
  const huge = await api('POST', '/v2.1/servers', { raw: JSON.stringify({ server: { name: 'x'.repeat(1_100_000) } }) });
  assert.equal(huge.status, 413);
  assert.ok(huge.body.overLimit);
  const missing = await api('GET', '/v2.1/nothing-here');
  assert.deepEqual(missing.body, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
  const wrongMethod = await api('PATCH', '/v2.1/servers');
  assert.equal(wrongMethod.status, 405);
  assert.ok(wrongMethod.body.badMethod);
});

test('POST /servers validates, announces steps 3 and 4 and the hold before step 5, records, casts build_instances and answers 202', async () => {
  cloud.steps.length = 0;
  const r = await create('demo', { metadata: { role: 'web' }, user_data: Buffer.from('#!/bin/sh\n').toString('base64') });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id = r.body.server.id;
  assert.deepEqual(Object.keys(r.body.server).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
  assert.equal(r.headers.get('location'), `${base}/v2.1/servers/${id}`);
  assert.deepEqual(
    cloud.steps.map((s) => s.step),
    ['api.request', 'api.policy', 'conductor.record'],
  );
  assert.match(JSON.stringify(cloud.steps[0]!.detail), /base64 characters, elided/);
  const inst = cloud.instances.get(id)!;
  assert.equal(inst.create_request_id, r.headers.get('x-openstack-request-id'));
  const cast = cloud.sent.find((s) => s.method === 'build_instances')!;
  assert.equal(cast.kind, 'cast');
  assert.deepEqual(cast.args[0], [id]);
  assert.equal(cloud.actions.find((a) => a.instance_uuid === id)!.action, 'create');
  const shown = await api('GET', `/v2.1/servers/${id}`, { token: 'demo' });
  assert.equal(shown.body.server.status, 'ACTIVE');
  assert.deepEqual(shown.body.server.metadata, { role: 'web' });
});

test('create refuses unknown fields, bad flavors, images that are not active, unknown keys and zones', async () => {
  assert.match((await create('admin', { colour: 'red' })).body.badRequest.message, /'colour' was unexpected/);
  assert.equal((await create('admin', { flavorRef: '99' })).body.badRequest.message, 'Flavor 99 could not be found.');
  assert.equal((await create('admin', { imageRef: 'queued-image' })).body.badRequest.message, 'Image queued-image is not active.');
  assert.equal((await create('admin', { imageRef: 'b0000000-0000-4000-8000-000000000000' })).status, 400);
  assert.equal((await create('admin', { key_name: 'nope' })).body.badRequest.message, 'Invalid key_name provided.');
  assert.equal(
    (await create('admin', { availability_zone: 'mars' })).body.badRequest.message,
    'The requested availability zone is not available',
  );
  assert.equal((await create('admin', { networks: [{ uuid: 'x' }] })).status, 400);
  assert.equal((await create('demo', { availability_zone: 'nova:host-a' })).status, 403, 'forcing a host is for admins');
  assert.equal((await create('admin', { availability_zone: 'nova:host-a' })).status, 202);
});

test("an image naming another project's private kernel is refused with the requester's visibility; nothing is built", async () => {
  const builds = cloud.sent.filter((s) => s.method === 'build_instances').length;
  const r = await create('demo', { imageRef: BORROWER.id });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { badRequest: { code: 400, message: 'Can not find requested image' } });
  assert.equal(cloud.sent.filter((s) => s.method === 'build_instances').length, builds, 'no build was cast');
  // The kernel's owner may: the instance records the kernel the API resolved, which compute fetches.
  const ok = await create('admin', { imageRef: BORROWER.id });
  assert.equal(ok.status, 202);
  assert.equal(cloud.instances.get(ok.body.server.id)!.kernel_id, ADMIN_KERNEL.id);
  const shown = await api('GET', `/v2.1/servers/${ok.body.server.id}`, { version: '2.3' });
  assert.equal(shown.body.server['OS-EXT-SRV-ATTR:kernel_id'], ADMIN_KERNEL.id);
});

test("an image whose virtual size exceeds the flavor's root disk is FlavorDiskSmallerThanImage; 0 GB root disks are for admins", async () => {
  const r = await create('demo', { imageRef: HUGE_IMAGE.id });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, {
    badRequest: {
      code: 400,
      message: "Flavor's disk is too small for requested image. Flavor disk is 1073741824 bytes, image is 1125899906842624 bytes.",
    },
  });
  const flavor = await api('POST', '/v2.1/flavors', { body: { flavor: { name: 'm1.zero', ram: 256, vcpus: 1, disk: 0, id: 'zero' } } });
  assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
  const member = await create('demo', { flavorRef: 'zero' });
  assert.deepEqual(member.body, {
    forbidden: { code: 403, message: 'Only volume-backed servers are allowed for flavors with zero disk.' },
  });
  assert.equal((await create('admin', { flavorRef: 'zero' })).status, 202);
  await api('DELETE', '/v2.1/flavors/zero');
});

test("quota: a create over the instance quota is refused with Nova's message", async () => {
  await api('PUT', '/v2.1/os-quota-sets/demo-project', { body: { quota_set: { instances: 1 } } });
  const r = await create('demo');
  assert.equal(r.status, 403);
  assert.match(r.body.forbidden.message, /^Quota exceeded for instances: Requested 1, but already used 1 of 1 instances$/);
  await api('PUT', '/v2.1/os-quota-sets/demo-project', { body: { quota_set: { instances: 10 } } });
});

test("projects cannot see each other's servers; members get 403 on admin APIs", async () => {
  const id = (await create('admin')).body.server.id;
  assert.equal((await api('GET', `/v2.1/servers/${id}`, { token: 'demo' })).status, 404);
  assert.equal((await api('POST', `/v2.1/servers/${id}/action`, { token: 'demo', body: { pause: null } })).status, 404);
  const list = await api('GET', '/v2.1/servers', { token: 'demo' });
  assert.ok(list.body.servers.every((s: { id: string }) => s.id !== id));
  assert.equal((await api('GET', '/v2.1/servers/detail?all_tenants=1', { token: 'demo' })).status, 403);
  const all = await api('GET', '/v2.1/servers/detail?all_tenants=1');
  assert.ok(all.body.servers.some((s: { id: string }) => s.id === id));
  const hyp = await api('GET', '/v2.1/os-hypervisors/detail', { token: 'demo' });
  assert.equal(hyp.status, 403);
  assert.equal(hyp.body.forbidden.message, "Policy doesn't allow os_compute_api:os-hypervisors:list-detail to be performed.");
  assert.equal((await api('GET', '/v2.1/os-quota-sets/admin-project', { token: 'demo' })).status, 403);
});

test("state actions are a compare-and-set then a cast; the wrong state is a 409 with Nova's text", async () => {
  const id = (await create('admin')).body.server.id;
  const pause = await api('POST', `/v2.1/servers/${id}/action`, { body: { pause: null } });
  assert.equal(pause.status, 202);
  assert.equal(cloud.instances.get(id)!.task_state, 'pausing');
  assert.ok(cloud.sent.some((s) => s.topic === 'compute.host-a' && s.method === 'pause_instance' && s.kind === 'cast'));
  Object.assign(cloud.instances.get(id)!, { vm_state: 'paused', task_state: null });
  const again = await api('POST', `/v2.1/servers/${id}/action`, { body: { pause: null } });
  assert.deepEqual(again.body, {
    conflictingRequest: { code: 409, message: `Cannot 'pause' instance ${id} while it is in vm_state paused` },
  });
  assert.equal((await api('POST', `/v2.1/servers/${id}/action`, { body: { reboot: { type: 'HARD' } } })).status, 202);
  assert.equal(cloud.instances.get(id)!.task_state, 'rebooting_hard');
  assert.equal(
    (await api('POST', `/v2.1/servers/${id}/action`, { body: { fly: null } })).body.badRequest.message,
    'There is no such action: fly',
  );
  assert.equal((await api('POST', `/v2.1/servers/${id}/action`, { body: { trigger_crash_dump: null } })).status, 501);
  assert.equal((await api('POST', `/v2.1/servers/${id}/action`, { body: { rebuild: {} } })).status, 400, 'rebuild needs an imageRef');
});

test("console output returns exactly the last N lines; the VNC URL is Nova's format", async () => {
  const id = (await create('admin')).body.server.id;
  const all = await api('POST', `/v2.1/servers/${id}/action`, { body: { 'os-getConsoleOutput': {} } });
  assert.equal(all.body.output, 'one\ntwo\nthree\nfour\n');
  const two = await api('POST', `/v2.1/servers/${id}/action`, { body: { 'os-getConsoleOutput': { length: 2 } } });
  assert.equal(two.body.output, 'three\nfour\n');
  const legacy = await api('POST', `/v2.1/servers/${id}/action`, { body: { 'os-getVNCConsole': { type: 'novnc' } } });
  assert.deepEqual(legacy.body, { console: { type: 'novnc', url: 'http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3Dtok-123' } });
  const remote = await api('POST', `/v2.1/servers/${id}/remote-consoles`, {
    version: '2.8',
    body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
  });
  assert.equal(remote.body.remote_console.url, 'http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3Dtok-123');
  Object.assign(cloud.instances.get(id)!, { vm_state: 'stopped' });
  assert.equal(
    (
      await api('POST', `/v2.1/servers/${id}/remote-consoles`, {
        version: '2.8',
        body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
      })
    ).status,
    409,
  );
});

test('a host whose nova-compute is down: actions are a 409, a delete happens locally', async () => {
  const id = (await create('admin')).body.server.id;
  Object.assign(cloud.instances.get(id)!, { host: 'host-z', node: 'host-z' });
  const r = await api('POST', `/v2.1/servers/${id}/action`, { body: { 'os-stop': null } });
  assert.equal(r.status, 409);
  assert.equal(r.body.conflictingRequest.message, 'Compute service of host-z is unavailable at this time.');
  assert.equal(cloud.instances.get(id)!.task_state, null, 'nothing was changed');
  assert.equal((await api('DELETE', `/v2.1/servers/${id}`)).status, 204);
  assert.equal(cloud.instances.get(id)!.vm_state, 'deleted');
  assert.equal((await api('GET', `/v2.1/servers/${id}`)).status, 404);
});

test('delete answers 204, keeps the row with task_state deleting, and casts terminate to the host', async () => {
  const id = (await create('admin')).body.server.id;
  assert.equal((await api('DELETE', `/v2.1/servers/${id}`)).status, 204);
  assert.equal(cloud.instances.get(id)!.task_state, 'deleting');
  assert.ok(cloud.sent.some((s) => s.method === 'terminate_instance' && s.args[0] === id));
  const events = await api('GET', `/v2.1/servers/${id}/os-instance-actions`);
  assert.deepEqual(events.body.instanceActions.map((a: { action: string }) => a.action).sort(), ['create', 'delete']);
});

test('names that are not ids are 404s, so the CLI falls back to ?name=', async () => {
  assert.equal((await api('GET', '/v2.1/servers/vm1')).status, 404);
  assert.equal((await api('GET', '/v2.1/flavors/m1.tiny')).status, 404);
  assert.equal((await api('GET', '/v2.1/os-hypervisors/host-a')).status, 404);
  const byName = await api('GET', '/v2.1/servers?name=^vm1$');
  assert.ok(byName.body.servers.length > 0);
  const flavors = await api('GET', '/v2.1/flavors/detail?is_public=None', { version: '2.61' });
  assert.deepEqual(Object.keys(flavors.body.flavors[0]).includes('extra_specs'), true);
});

test('key pairs: generated below 2.92 with 200/202 at 2.1 and 201/204 from 2.2', async () => {
  const gen = await api('POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'k1' } } });
  assert.equal(gen.status, 200);
  assert.match(gen.body.keypair.private_key, /BEGIN RSA PRIVATE KEY/);
  assert.equal((await api('POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'k1' } } })).status, 409);
  assert.equal((await api('DELETE', '/v2.1/os-keypairs/k1')).status, 202);
  const imported = await api('POST', '/v2.1/os-keypairs', {
    version: '2.10',
    body: { keypair: { name: 'k2', public_key: gen.body.keypair.public_key } },
  });
  assert.equal(imported.status, 201);
  assert.equal(imported.body.keypair.fingerprint, gen.body.keypair.fingerprint);
  assert.equal((await api('DELETE', '/v2.1/os-keypairs/k2', { version: '2.10' })).status, 204);
  assert.equal((await api('POST', '/v2.1/os-keypairs', { version: '2.92', body: { keypair: { name: 'k3' } } })).status, 400);
});

test('services: legacy disable below 2.53, PUT by uuid from 2.53', async () => {
  const legacy = await api('PUT', '/v2.1/os-services/disable', { body: { host: 'host-a', binary: 'nova-compute' } });
  assert.deepEqual(legacy.body, { service: { host: 'host-a', binary: 'nova-compute', status: 'disabled' } });
  const uuid = '793969bb-c63c-4984-9124-47360788eae0';
  const modern = await api('PUT', `/v2.1/os-services/${uuid}`, {
    version: '2.53',
    body: { status: 'disabled', disabled_reason: 'maintenance' },
  });
  assert.equal(modern.status, 200);
  assert.equal(modern.body.service.status, 'disabled');
  assert.equal(modern.body.service.disabled_reason, 'maintenance');
  assert.equal(
    (await api('PUT', '/v2.1/os-services/disable', { version: '2.53', body: { host: 'host-a', binary: 'nova-compute' } })).status,
    400,
  );
});
