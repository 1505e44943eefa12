// Server snapshots, backups, the compute images API and shelving, over HTTP with the fake
// driver (whose disk is its base image): what a student does after the first boot, with the
// state machine, images and errors as Nova answers them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest, type NovaReply } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let baseImage: string;

const nova = (method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}): Promise<NovaReply> =>
  novaRequest(lab, opts.token ?? demo, method, p, opts);

async function glance(method: string, p: string, token = demo): Promise<{ status: number; body: any }> {
  const res = await fetch(lab.url('glance-api', p), { method, headers: { 'X-Auth-Token': token } });
  const text = await res.text();
  // Glance's errors are plain text.
  return { status: res.status, body: res.ok && text ? JSON.parse(text) : text };
}

const server = async (id: string) => (await nova('GET', `/servers/${id}`)).body?.server;

const settle = (id: string, want: string) =>
  eventually(
    `server ${id} to be ${want} with no task`,
    async () => {
      const s = await server(id);
      return s && s.status === want && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    60_000,
    100,
  );

const imageStatus = (id: string, want: string, token = demo) =>
  eventually(
    `image ${id} to be ${want}`,
    async () => {
      const r = await glance('GET', `/v2/images/${id}`, token);
      return r.status === 200 && r.body.status === want ? r.body : null;
    },
    60_000,
    100,
  );

async function boot(name: string): Promise<string> {
  const r = await nova('POST', '/servers', {
    version: '2.37',
    body: { server: { name, imageRef: baseImage, flavorRef: '1', networks: 'none' } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await settle(r.body.server.id, 'ACTIVE');
  return r.body.server.id as string;
}

const imageIdOf = (r: NovaReply) => r.headers.get('location')!.split('/').pop()!;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
    // Long enough for a test to see the snapshot SAVING and the server busy with it.
    env: { NOVALAB_FAKE_SNAPSHOT_DELAY_MS: '1500' },
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  baseImage = await labImageId(lab, demo);
});
after(async () => {
  await lab?.stop();
});

test('createImage: a queued image in glance with the inherited properties, SAVING, then ACTIVE; a second one while saving is a 409', async () => {
  const id = await boot('snap-src');
  const r = await nova('POST', `/servers/${id}/action`, { body: { createImage: { name: 'snap-1', metadata: { purpose: 'test' } } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.match(r.headers.get('location')!, /\/images\/[0-9a-f-]{36}$/);
  const imageId = imageIdOf(r);
  const during = await server(id);
  assert.match(during['OS-EXT-STS:task_state'], /^image_/);
  const second = await nova('POST', `/servers/${id}/action`, { body: { createImage: { name: 'snap-2' } } });
  assert.equal(second.status, 409);
  assert.match(faultOf(second).message, /Cannot 'createImage' instance .* while it is in task_state image_/);
  const saving = (await nova('GET', `/images/${imageId}`)).body.image;
  assert.equal(saving.status, 'SAVING');
  assert.equal(saving.server.id, id);

  const img = await imageStatus(imageId, 'active');
  const base = (await glance('GET', `/v2/images/${baseImage}`)).body;
  assert.equal(img.name, 'snap-1');
  assert.equal(img.visibility, 'private');
  assert.equal(img.image_type, 'snapshot');
  assert.equal(img.instance_uuid, id);
  assert.equal(img.base_image_ref, baseImage);
  assert.equal(img.purpose, 'test');
  for (const k of ['kernel_id', 'ramdisk_id', 'os_command_line', 'architecture']) assert.equal(img[k], base[k], k);
  assert.equal(img.size, base.size, 'the fake disk is the base image: the snapshot has its bytes');
  await settle(id, 'ACTIVE');

  // The snapshot boots a new server.
  const r2 = await nova('POST', '/servers', {
    version: '2.37',
    body: { server: { name: 'from-snap', imageRef: imageId, flavorRef: '1', networks: 'none' } },
  });
  assert.equal(r2.status, 202, JSON.stringify(r2.body));
  const s2 = await settle(r2.body.server.id, 'ACTIVE');
  assert.equal(s2.image.id, imageId);
});

test('createImage refuses bad bodies and states as Nova, leaving no image behind', async () => {
  const id = await boot('snap-neg');
  const before = (await glance('GET', '/v2/images?limit=1000')).body.images.length;
  const cases: [unknown, number, RegExp][] = [
    [{ createImage: { name: 'a'.repeat(256) } }, 400, /is too long/],
    [{ createImage: { name: 'x', metadata: { '': '' } } }, 400, /Invalid input/],
    [{ createImage: { name: 'x', metadata: { ['a'.repeat(256)]: 'b' } } }, 400, /Invalid input/],
    [{ createImage: {} }, 400, /'name' is a required property/],
  ];
  for (const [body, status, msg] of cases) {
    const r = await nova('POST', `/servers/${id}/action`, { body });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(faultOf(r).message, msg);
  }
  const missing = await nova('POST', '/servers/00000000-0000-0000-0000-000000000000/action', { body: { createImage: { name: 'x' } } });
  assert.equal(missing.status, 404);
  const other = await nova('POST', `/servers/${id}/action`, { token: admin, version: '2.45', body: { createImage: { name: 'by-admin' } } });
  assert.equal(other.status, 202);
  assert.ok(other.body.image_id, '2.45+: the id in the body');
  assert.equal(other.headers.get('location'), null);
  // The server's project is made a member: it sees the image admin's project owns.
  const img = await imageStatus(other.body.image_id, 'active');
  assert.equal(img.visibility, 'shared', "an admin's snapshot of another project's server is shared");
  assert.equal(img.instance_owner, undefined);
  const members = (await glance('GET', `/v2/images/${other.body.image_id}/members`, admin)).body.members;
  assert.deepEqual(
    members.map((m: { member_id: string }) => m.member_id),
    [(await nova('GET', `/servers/${id}`)).body.server.tenant_id],
  );
  await settle(id, 'ACTIVE');
  await glance('DELETE', `/v2/images/${other.body.image_id}`, admin);
  const after = (await glance('GET', '/v2/images?limit=1000')).body.images.length;
  assert.equal(after, before);
});

test('an image deleted while it is being saved: the snapshot ends quietly, the server is ACTIVE with no task', async () => {
  const id = await boot('snap-del');
  const r = await nova('POST', `/servers/${id}/action`, { body: { createImage: { name: 'short-lived' } } });
  const imageId = imageIdOf(r);
  assert.equal((await nova('DELETE', `/images/${imageId}`)).status, 204);
  assert.equal((await nova('GET', `/images/${imageId}`)).status, 404);
  const s = await settle(id, 'ACTIVE');
  assert.equal(s.fault, undefined);
  assert.equal((await glance('GET', `/v2/images/${imageId}`)).status, 404);
});

test('the compute images API: filters by server, type, status and name, metadata calls, deletes, gone at 2.36', async () => {
  const a = await boot('filter-a');
  const b = await boot('filter-b');
  const snapA = imageIdOf(await nova('POST', `/servers/${a}/action`, { body: { createImage: { name: 'filter-snap-a' } } }));
  const snapB = imageIdOf(await nova('POST', `/servers/${b}/action`, { body: { createImage: { name: 'filter-snap-b' } } }));
  await imageStatus(snapA, 'active');
  await imageStatus(snapB, 'active');
  const ids = async (q: string, detail = false) =>
    ((await nova('GET', `/images${detail ? '/detail' : ''}?${q}`)).body.images as { id: string }[]).map((i) => i.id);

  const serverLink = (await server(a)).links[0].href as string;
  assert.deepEqual(await ids(`server=${a}`), [snapA]);
  assert.deepEqual(await ids(`server=${encodeURIComponent(serverLink)}`, true), [snapA]);
  const snaps = await ids('type=snapshot');
  assert.ok(snaps.includes(snapA) && snaps.includes(snapB) && !snaps.includes(baseImage));
  assert.ok((await ids('status=ACTIVE')).includes(baseImage));
  assert.deepEqual(await ids('name=filter-snap-b'), [snapB]);
  assert.equal((await ids('limit=1')).length, 1);
  assert.deepEqual(await ids(`changes-since=2000-01-01T00:00:00Z&server=${b}`), [snapB]);
  assert.deepEqual(await ids(`changes-since=2999-01-01T00:00:00Z&server=${b}`), []);
  const detail = (await nova('GET', `/images/${snapA}`)).body.image;
  assert.equal(detail.status, 'ACTIVE');
  assert.equal(detail.progress, 100);
  assert.equal(typeof detail['OS-EXT-IMG-SIZE:size'], 'number');
  assert.equal(detail.metadata.image_type, 'snapshot');

  // Metadata: POST merges, PUT replaces, per-key PUT/GET/DELETE, Nova's errors.
  const meta = async () => (await nova('GET', `/images/${snapA}/metadata`)).body.metadata;
  assert.equal((await nova('POST', `/images/${snapA}/metadata`, { body: { metadata: { os_distro: 'debian' } } })).status, 200);
  assert.equal((await meta()).os_distro, 'debian');
  assert.equal((await meta()).image_type, 'snapshot');
  const put = await nova('PUT', `/images/${snapA}/metadata/os_version`, { body: { meta: { os_version: '12' } } });
  assert.deepEqual(put.body, { meta: { os_version: '12' } });
  assert.deepEqual((await nova('GET', `/images/${snapA}/metadata/os_version`)).body, { meta: { os_version: '12' } });
  const mismatch = await nova('PUT', `/images/${snapA}/metadata/os_version`, { body: { meta: { other: '1' } } });
  assert.equal(mismatch.status, 400);
  assert.equal(faultOf(mismatch).message, 'Request body and URI mismatch');
  assert.equal((await nova('DELETE', `/images/${snapA}/metadata/os_version`)).status, 204);
  assert.equal((await nova('GET', `/images/${snapA}/metadata/os_version`)).status, 404);
  assert.equal((await nova('DELETE', `/images/${snapA}/metadata/nope`)).status, 404);
  const replaced = await nova('PUT', `/images/${snapA}/metadata`, { body: { metadata: { only: 'this' } } });
  assert.deepEqual(replaced.body, { metadata: { only: 'this' } });
  assert.deepEqual(await meta(), { only: 'this' });
  assert.equal((await nova('GET', `/images/00000000-0000-0000-0000-000000000000/metadata`)).status, 404);
  assert.equal((await nova('GET', `/images/${snapA}/metadata`, { version: '2.39' })).status, 404);

  assert.equal((await nova('GET', '/images', { version: '2.36' })).status, 404);
  assert.equal((await nova('DELETE', '/images/')).status, 404);
  assert.equal((await nova('DELETE', '/images/00000000-0000-0000-0000-000000000000')).status, 404);
  assert.equal((await nova('DELETE', `/images/${baseImage}`)).status, 403, "the lab's public image is admin's");
  assert.equal((await nova('DELETE', `/images/${snapA}`)).status, 204);
  assert.equal((await nova('GET', `/images/${snapA}`)).status, 404);
});

test('createBackup keeps the newest `rotation` backups of the type', async () => {
  const id = await boot('backup-src');
  const made: string[] = [];
  for (const n of [1, 2, 3]) {
    const r = await nova('POST', `/servers/${id}/action`, {
      body: { createBackup: { name: `bk-${n}`, backup_type: 'daily', rotation: 2 } },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    made.push(imageIdOf(r));
    await imageStatus(made[made.length - 1]!, 'active');
    await settle(id, 'ACTIVE');
  }
  await eventually('the oldest backup rotated out', async () => (await glance('GET', `/v2/images/${made[0]}`)).status === 404, 30_000, 100);
  const left = (await glance('GET', `/v2/images?instance_uuid=${id}&image_type=backup&backup_type=daily`)).body.images.map(
    (i: { name: string }) => i.name,
  );
  assert.deepEqual(left.sort(), ['bk-2', 'bk-3']);
  const bad = await nova('POST', `/servers/${id}/action`, { body: { createBackup: { name: 'x', backup_type: 'daily', rotation: -1 } } });
  assert.equal(bad.status, 400);
});

test('shelve snapshots and frees the host; unshelve schedules again, boots from the snapshot and deletes it', async () => {
  const id = await boot('shelve-me');
  const host = (await nova('GET', `/servers/${id}`, { token: admin })).body.server['OS-EXT-SRV-ATTR:host'];
  assert.ok(host);
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { shelve: null } })).status, 202);
  const shelved = await settle(id, 'SHELVED_OFFLOADED');
  const asAdmin = (await nova('GET', `/servers/${id}`, { token: admin })).body.server;
  assert.equal(asAdmin['OS-EXT-SRV-ATTR:host'], null, 'the host is freed');
  assert.equal(shelved['OS-EXT-STS:power_state'], 4);
  const snaps = (await glance('GET', `/v2/images?instance_uuid=${id}`)).body.images;
  assert.equal(snaps.length, 1);
  assert.equal(snaps[0].name, 'shelve-me-shelved');
  assert.equal(snaps[0].status, 'active');

  const again = await nova('POST', `/servers/${id}/action`, { body: { shelve: null } });
  assert.equal(again.status, 409);
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { shelveOffload: null } })).status, 403, 'admin only');

  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { unshelve: null } })).status, 202);
  const back = await settle(id, 'ACTIVE');
  assert.equal(back['OS-EXT-STS:power_state'], 1);
  const after = (await nova('GET', `/servers/${id}`, { token: admin })).body.server;
  assert.ok(after['OS-EXT-SRV-ATTR:host'], 'placed on a host again');
  await eventually('the shelve image deleted', async () => (await glance('GET', `/v2/images/${snaps[0].id}`)).status === 404, 30_000, 100);
  const trace = await nova('GET', `/servers/${id}/os-scheduler-trace`, { token: admin });
  assert.equal(trace.status, 200, JSON.stringify(trace.body));
  assert.ok(JSON.stringify(trace.body).split('"chosen"').length >= 3, 'the unshelve has its own scheduling explanation');
  const kinds = (trace.body.traces as { kind?: string; chosen: string | null }[]).map((t) => t.kind ?? 'boot');
  assert.ok(kinds.includes('unshelve'), `the unshelve's trace is marked as one: ${kinds.join(', ')}`);
  const actions = (await nova('GET', `/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: { action: string }) => a.action);
  assert.ok(actions.includes('shelve') && actions.includes('unshelve'));

  // A shelved server can be deleted, and its shelve image goes with it.
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { shelve: null } })).status, 202);
  await settle(id, 'SHELVED_OFFLOADED');
  const snap2 = (await glance('GET', `/v2/images?instance_uuid=${id}`)).body.images[0].id;
  assert.equal((await nova('DELETE', `/servers/${id}`)).status, 204);
  await eventually('the server gone', async () => (await nova('GET', `/servers/${id}`)).status === 404, 30_000, 100);
  assert.equal((await glance('GET', `/v2/images/${snap2}`)).status, 404);
});
