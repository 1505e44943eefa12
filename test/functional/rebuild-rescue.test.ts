// Rebuild, rescue/unrescue and lock/unlock over HTTP with the fake driver, as Nova answers
// them: the states a user sees (REBUILD, RESCUE, SHUTOFF kept after a rebuild), the record
// the rebuild rewrites, what the guest boots (the fake guest's console), and the refusals
// (wrong state, locked, an image that does not exist or does not fit) that change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, topologyFile, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest, type NovaReply } from '../../harness/nova-http.js';
import { ComputeClient } from '../../harness/compute-client.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let image: string;
let altImage: string;
let server: string;

const nova = (token: string, method: string, path: string, opts: { version?: string; body?: unknown } = {}) =>
  novaRequest(lab, token, method, path, opts);
const action = (id: string, body: unknown, token = demo, version?: string) =>
  nova(token, 'POST', `/servers/${id}/action`, { body, ...(version ? { version } : {}) });
const show = async (id: string, token = demo) => (await nova(token, 'GET', `/servers/${id}`, { version: '2.79' })).body.server;
const consoleText = async (id: string) => String((await action(id, { 'os-getConsoleOutput': {} }, admin)).body?.output ?? '');
/** Wait for a status with no task running. */
const settle = (id: string, status: string) =>
  eventually(
    `server ${id} to be ${status}`,
    async () => {
      const s = await show(id, admin);
      return s.status === status && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    60_000,
    100,
  );
const ok = (r: NovaReply, status: number) => assert.equal(r.status, status, JSON.stringify(r.body));

/** An image record straight in Glance (a 1 MiB raw disk, the lab image's kernel and ramdisk). */
async function glanceImage(name: string, extra: Record<string, unknown>): Promise<string> {
  const base = (await (await fetch(lab.url('glance-api', `/v2/images/${image}`), { headers: { 'X-Auth-Token': admin } })).json()) as Record<
    string,
    string
  >;
  const res = await fetch(lab.url('glance-api', '/v2/images'), {
    method: 'POST',
    headers: { 'X-Auth-Token': admin, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      disk_format: 'raw',
      container_format: 'bare',
      visibility: 'public',
      kernel_id: base.kernel_id,
      ramdisk_id: base.ramdisk_id,
      ...extra,
    }),
  });
  const id = ((await res.json()) as { id: string }).id;
  const put = await fetch(lab.url('glance-api', `/v2/images/${id}/file`), {
    method: 'PUT',
    headers: { 'X-Auth-Token': admin, 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(1024 * 1024),
  });
  assert.equal(put.status, 204);
  return id;
}

before(async () => {
  // One lab host that runs x86_64 guests only, so an aarch64 image cannot be rebuilt there.
  const topology = topologyFile([{ name: 'x86-only', vcpus: 8, memory_mb: 16384 }]);
  lab = await startLab({
    novaConf: `[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n[novalab]\ntopology = ${topology}\n`,
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  image = await labImageId(lab, admin);
  altImage = await glanceImage('alt-image', {});
  const client = await ComputeClient.user(lab, 'demo', 'demo');
  server = await client.createServer('rb-vm', image, '1', { metadata: { before: 'yes' } });
  await settle(server, 'ACTIVE');
});
after(async () => {
  await lab?.stop();
});

test('rebuild: 202 with the server on the new image, then ACTIVE, same addresses, new name and metadata', async () => {
  const before = await show(server);
  const r = await action(server, { rebuild: { imageRef: altImage, name: 'rb-renamed', metadata: { after: 'yes' }, adminPass: 'pw-1' } });
  ok(r, 202);
  assert.equal(r.body.server.id, server);
  assert.equal(r.body.server.image.id, altImage);
  assert.equal(r.body.server.adminPass, 'pw-1');
  assert.equal(r.body.server.status, 'REBUILD');
  assert.match(r.headers.get('location') ?? '', new RegExp(`/v2.1/servers/${server}$`));
  const after = await settle(server, 'ACTIVE');
  assert.equal(after.image.id, altImage);
  assert.equal(after.name, 'rb-renamed');
  assert.deepEqual(after.metadata, { after: 'yes' });
  assert.deepEqual(after.addresses, before.addresses);
  // The guest was re-created: the fake guest's console starts over with one boot.
  const text = await consoleText(server);
  assert.equal(text.match(/\[fake\] booting/g)?.length, 1, text);
  const actions = (await nova(admin, 'GET', `/servers/${server}/os-instance-actions`)).body.instanceActions as { action: string }[];
  assert.equal(actions[0]!.action, 'rebuild');
  // Without adminPass, a generated one is answered.
  const again = await action(server, { rebuild: { imageRef: image } });
  ok(again, 202);
  assert.equal(typeof again.body.server.adminPass, 'string');
  assert.ok(again.body.server.adminPass.length >= 8);
  assert.equal((await settle(server, 'ACTIVE')).image.id, image);
});

test('rebuild of a SHUTOFF server: REBUILD, then SHUTOFF again on the new image', async () => {
  ok(await action(server, { 'os-stop': null }), 202);
  await settle(server, 'SHUTOFF');
  ok(await action(server, { rebuild: { imageRef: altImage } }), 202);
  const s = await settle(server, 'SHUTOFF');
  assert.equal(s.image.id, altImage);
  assert.equal(s['OS-EXT-STS:power_state'], 4);
  ok(await action(server, { 'os-start': null }), 202);
  await settle(server, 'ACTIVE');
});

test('rebuild of a server in ERROR (after an admin reset) brings it back ACTIVE', async () => {
  ok(await action(server, { 'os-resetState': { state: 'error' } }, admin), 202);
  await settle(server, 'ERROR');
  ok(await action(server, { rebuild: { imageRef: image } }), 202);
  const s = await settle(server, 'ACTIVE');
  assert.equal(s.image.id, image);
});

test('rebuild: microversioned fields (description 2.19, key_name 2.54, user_data 2.57)', async () => {
  const old = await action(server, { rebuild: { imageRef: image, description: 'd' } });
  assert.equal(old.status, 400, 'description before 2.19');
  const key = await nova(demo, 'POST', '/os-keypairs', { body: { keypair: { name: 'rb-key' } } });
  ok(key, 200);
  const userData = Buffer.from('#!/bin/sh\necho hi\n').toString('base64');
  const r = await action(
    server,
    { rebuild: { imageRef: image, description: 'rebuilt', key_name: 'rb-key', user_data: userData } },
    demo,
    '2.57',
  );
  ok(r, 202);
  assert.equal(r.body.server.description, 'rebuilt');
  assert.equal(r.body.server.key_name, 'rb-key');
  assert.equal(r.body.server.user_data, userData);
  await settle(server, 'ACTIVE');
  const bad = await action(server, { rebuild: { imageRef: image, key_name: 'nope' } }, demo, '2.57');
  assert.equal(bad.status, 400);
  assert.equal(faultOf(bad).message, 'Invalid key_name provided.');
  const cleared = await action(server, { rebuild: { imageRef: image, key_name: null } }, demo, '2.57');
  ok(cleared, 202);
  assert.equal(cleared.body.server.key_name, null);
  await settle(server, 'ACTIVE');
});

test('rebuild refusals leave the server as it was', async () => {
  const unknown = await action(server, { rebuild: { imageRef: '00000000-0000-4000-8000-000000000000' } });
  assert.equal(unknown.status, 400);
  assert.equal(faultOf(unknown).message, 'Cannot find image for rebuild');
  const notUuid = await action(server, { rebuild: { imageRef: 'not-an-image' } });
  assert.equal(notUuid.status, 400);
  assert.match(faultOf(notUuid).message, /is not a 'uuid'/);
  assert.equal((await action(server, { rebuild: {} })).status, 400, 'imageRef is required');
  // An image whose min_disk exceeds the flavor's root disk is refused, as at create.
  const big = await glanceImage('too-big', { min_disk: 100 });
  const tooBig = await action(server, { rebuild: { imageRef: big } });
  assert.equal(tooBig.status, 400);
  assert.match(faultOf(tooBig).message, /Flavor's disk is smaller than the minimum size specified in image metadata/);
  const s = await show(server);
  assert.equal(s.image.id, image);
  assert.equal(s.status, 'ACTIVE');
  assert.equal(s['OS-EXT-STS:task_state'], null);
  // A paused server cannot be rebuilt.
  ok(await action(server, { pause: null }), 202);
  await settle(server, 'PAUSED');
  const paused = await action(server, { rebuild: { imageRef: altImage } });
  assert.equal(paused.status, 409);
  assert.equal(faultOf(paused).message, `Cannot 'rebuild' instance ${server} while it is in vm_state paused`);
  ok(await action(server, { unpause: null }), 202);
  await settle(server, 'ACTIVE');
  // Another project's server does not exist for demo.
  const client = await ComputeClient.admin(lab);
  const adminVm = await client.createServer('admin-vm', image, '1');
  await settle(adminVm, 'ACTIVE');
  assert.equal((await action(adminVm, { rebuild: { imageRef: image } })).status, 404);
  ok(await nova(admin, 'DELETE', `/servers/${adminVm}`), 204);
});

test('a rebuild onto an image its host cannot run: the scheduler refuses it, ERROR with the fault, the guest untouched', async () => {
  const arm = await glanceImage('arm-image', { architecture: 'aarch64' });
  const bootsBefore = (await consoleText(server)).match(/\[fake\] booting/g)?.length;
  ok(await action(server, { rebuild: { imageRef: arm } }), 202);
  const s = await settle(server, 'ERROR');
  assert.equal(s.image.id, image, 'the record names the image the guest still runs again');
  // Nova's conductor: NoValidHost from the scheduler's check of the instance's own host.
  assert.match(s.fault.message, /^No valid host was found\./);
  assert.match(s.fault.message, /ImagePropertiesFilter/);
  assert.match(s.fault.message, /aarch64/);
  assert.equal((await consoleText(server)).match(/\[fake\] booting/g)?.length, bootsBefore, 'the guest was not re-created');
  const actions = (await nova(admin, 'GET', `/servers/${server}/os-instance-actions`)).body.instanceActions as { request_id: string }[];
  const rebuild = (await nova(admin, 'GET', `/servers/${server}/os-instance-actions/${actions[0]!.request_id}`)).body.instanceAction;
  assert.equal(rebuild.action, 'rebuild');
  assert.deepEqual(
    rebuild.events.map((e: { event: string; result: string }) => [e.event, e.result]),
    [['rebuild_server', 'Error']],
    'the conductor refused it; no host was asked to rebuild',
  );
  // The decision is kept with the instance's other schedulings, marked as a rebuild's.
  type Trace = { kind?: string; request_id: string; chosen: string | null; filters: { name: string }[] };
  const traces = (await nova(admin, 'GET', `/servers/${server}/os-scheduler-trace`)).body.traces as Trace[];
  const check = traces.find((t) => t.kind === 'rebuild' && t.request_id === actions[0]!.request_id);
  assert.ok(check, 'a rebuild decision is saved');
  assert.equal(check.chosen, null);
  assert.deepEqual(
    check.filters.map((f) => f.name),
    ['force_host', 'ImagePropertiesFilter'],
    'its own host forced, then only the filters that judge an image (RamFilter and the others do not run)',
  );
  // Back to work for the tests after this one.
  ok(await action(server, { 'os-resetState': { state: 'active' } }, admin), 202);
  await settle(server, 'ACTIVE');
});

test('a rebuild onto a new image the host runs: the scheduler checks it, then the host rebuilds', async () => {
  const before = (await nova(admin, 'GET', `/servers/${server}/os-scheduler-trace`)).body.traces as { kind?: string }[];
  ok(await action(server, { rebuild: { imageRef: altImage } }), 202);
  const s = await settle(server, 'ACTIVE');
  assert.equal(s.image.id, altImage);
  const traces = (await nova(admin, 'GET', `/servers/${server}/os-scheduler-trace`)).body.traces as {
    kind?: string;
    chosen: string | null;
  }[];
  const checks = traces.filter((t) => t.kind === 'rebuild');
  assert.equal(checks.length, before.filter((t) => t.kind === 'rebuild').length + 1, 'one new check');
  assert.ok(checks.some((t) => t.chosen === 'x86-only'));
  ok(await action(server, { rebuild: { imageRef: image } }), 202);
  await settle(server, 'ACTIVE');
});

test('rescue boots the rescue image with the own disk second; RESCUE refuses other actions; unrescue boots the own disk', async () => {
  const r = await action(server, { rescue: { adminPass: 'rescue-pw' } });
  ok(r, 200);
  assert.deepEqual(r.body, { adminPass: 'rescue-pw' });
  const s = await settle(server, 'RESCUE');
  assert.equal(s['OS-EXT-STS:vm_state'], 'rescued');
  assert.match(await consoleText(server), new RegExp(`rescue: booting rescue image ${image} as vda, own disk as vdb`));
  const stop = await action(server, { 'os-stop': null });
  assert.equal(stop.status, 409);
  assert.equal(faultOf(stop).message, `Cannot 'stop' instance ${server} while it is in vm_state rescued`);
  const twice = await action(server, { rescue: null });
  assert.equal(twice.status, 409);
  ok(await action(server, { unrescue: null }), 202);
  await settle(server, 'ACTIVE');
  assert.match(await consoleText(server), /unrescue: booting own disk/);
  const notRescued = await action(server, { unrescue: null });
  assert.equal(notRescued.status, 409);
  assert.equal(faultOf(notRescued).message, `Cannot 'unrescue' instance ${server} while it is in vm_state active`);
});

test('rescue with rescue_image_ref boots that image; a generated adminPass without one; unknown image is a 400', async () => {
  const unknown = await action(server, { rescue: { rescue_image_ref: '00000000-0000-4000-8000-000000000000' } });
  assert.equal(unknown.status, 400);
  assert.equal((await show(server)).status, 'ACTIVE');
  const r = await action(server, { rescue: { rescue_image_ref: altImage } });
  ok(r, 200);
  assert.equal(typeof r.body.adminPass, 'string');
  await settle(server, 'RESCUE');
  assert.match(await consoleText(server), new RegExp(`rescue image ${altImage}`));
  // The server record keeps its own image.
  assert.equal((await show(server)).image.id, image);
  ok(await action(server, { unrescue: null }), 202);
  await settle(server, 'ACTIVE');
});

test('a locked server refuses its owner (409) but not an admin; an admin lock needs an admin to lift', async () => {
  ok(await action(server, { lock: null }), 202);
  let s = await show(server);
  assert.equal(s.locked, true);
  const stop = await action(server, { 'os-stop': null });
  assert.equal(stop.status, 409);
  assert.equal(faultOf(stop).message, `Instance ${server} is locked`);
  assert.equal((await action(server, { rebuild: { imageRef: image } })).status, 409);
  assert.equal((await action(server, { rescue: null })).status, 409);
  assert.equal((await nova(demo, 'DELETE', `/servers/${server}`)).status, 409);
  assert.equal((await show(server)).status, 'ACTIVE');
  ok(await action(server, { unlock: null }), 202);
  assert.equal((await show(server)).locked, false);
  // 2.73: a reason, shown with the server.
  ok(await action(server, { lock: { locked_reason: 'exam running' } }, demo, '2.73'), 202);
  s = (await nova(demo, 'GET', `/servers/${server}`, { version: '2.73' })).body.server;
  assert.equal(s.locked_reason, 'exam running');
  assert.equal((await action(server, { lock: { locked_reason: 'x' } }, demo, '2.72')).status, 202, 'the body is not read before 2.73');
  ok(await action(server, { unlock: null }), 202);
  // Locked by an admin of another project: the owner may not unlock it.
  ok(await action(server, { lock: null }, admin), 202);
  const denied = await action(server, { unlock: null });
  assert.equal(denied.status, 403);
  ok(await action(server, { unlock: null }, admin), 202);
  ok(await action(server, { 'os-stop': null }), 202);
  await settle(server, 'SHUTOFF');
  ok(await action(server, { 'os-start': null }), 202);
  await settle(server, 'ACTIVE');
});

test('a rescued server can be deleted', async () => {
  const client = await ComputeClient.user(lab, 'demo', 'demo');
  const id = await client.createServer('rescue-del', image, '1');
  await settle(id, 'ACTIVE');
  ok(await action(id, { rescue: null }), 200);
  await settle(id, 'RESCUE');
  ok(await nova(demo, 'DELETE', `/servers/${id}`), 204);
  await eventually('deleted', async () => ((await nova(demo, 'GET', `/servers/${id}`)).status === 404 ? true : null), 30_000, 100);
});
