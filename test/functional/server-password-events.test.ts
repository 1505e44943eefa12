// The small compute APIs Tempest probes, over HTTP with the fake driver: the server password
// a guest posts to the metadata service (os-server-password shows and clears it), external
// events, the default quota class (it changes every project's defaults) and, before 2.53,
// the servers of a hypervisor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest } from '../../harness/nova-http.js';
import { ComputeClient } from '../../harness/compute-client.js';
import { signInstanceId } from '../../backend/shared/metadata-signature.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let server: string;

const nova = (token: string, method: string, p: string, opts: { version?: string; body?: unknown } = {}) =>
  novaRequest(lab, token, method, p, opts);

/** What a guest's cloud-init does: POST its encrypted password to the metadata service. */
async function guestPosts(uuid: string, password: string): Promise<number> {
  const secret = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'metadata-hmac'), 'utf8').trim();
  const res = await fetch(lab.url('metadata', '/openstack/latest/password'), {
    method: 'POST',
    headers: { 'X-Instance-ID': uuid, 'X-Instance-ID-Signature': signInstanceId(uuid, secret) },
    body: password,
  });
  await res.text();
  return res.status;
}

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  const client = await ComputeClient.user(lab, 'demo', 'demo');
  server = await client.createServer('pw-vm', await labImageId(lab, admin), '1');
  await eventually('ACTIVE', async () => ((await client.server(server)).status === 'ACTIVE' ? true : null), 60_000, 100);
});
after(async () => {
  await lab?.stop();
});

test('os-server-password: empty, then what the guest posted (once), cleared by DELETE', async () => {
  const empty = await nova(demo, 'GET', `/servers/${server}/os-server-password`);
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, { password: '' });
  assert.equal(await guestPosts(server, 'ZW5jcnlwdGVk'), 200);
  assert.deepEqual((await nova(demo, 'GET', `/servers/${server}/os-server-password`)).body, { password: 'ZW5jcnlwdGVk' });
  // The guest reads it back from the metadata service, and cannot overwrite it.
  assert.equal(await guestPosts(server, 'other'), 409);
  assert.equal(await guestPosts(server, 'x'.repeat(2000)), 409);
  const del = await nova(demo, 'DELETE', `/servers/${server}/os-server-password`);
  assert.equal(del.status, 204);
  assert.deepEqual((await nova(demo, 'GET', `/servers/${server}/os-server-password`)).body, { password: '' });
  assert.equal(await guestPosts(server, 'x'.repeat(2000)), 400, 'more than 1020 characters');
  assert.equal(await guestPosts(server, 'again'), 200, 'after a clear, the guest may post again');
  assert.equal((await nova(demo, 'GET', `/servers/00000000-0000-4000-8000-000000000000/os-server-password`)).status, 404);
});

test('os-server-external-events: 200 for an instance with a host, 207 with per-event codes otherwise; admin only', async () => {
  const r = await nova(admin, 'POST', '/os-server-external-events', {
    body: { events: [{ name: 'network-changed', server_uuid: server }] },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.events, [{ name: 'network-changed', server_uuid: server, status: 'completed', code: 200 }]);
  const mixed = await nova(admin, 'POST', '/os-server-external-events', {
    body: {
      events: [
        { name: 'network-vif-plugged', server_uuid: server, tag: 'port-1' },
        { name: 'network-changed', server_uuid: '00000000-0000-4000-8000-000000000000' },
      ],
    },
  });
  assert.equal(mixed.status, 207);
  assert.deepEqual(
    mixed.body.events.map((e: { code: number; status: string }) => [e.code, e.status]),
    [
      [200, 'completed'],
      [404, 'failed'],
    ],
  );
  const badName = await nova(admin, 'POST', '/os-server-external-events', {
    body: { events: [{ name: 'power-update', server_uuid: server }] },
  });
  assert.equal(badName.status, 400, 'power-update exists from 2.76');
  const member = await nova(demo, 'POST', '/os-server-external-events', {
    body: { events: [{ name: 'network-changed', server_uuid: server }] },
  });
  assert.equal(member.status, 403);
});

test('os-quota-class-sets/default: an admin raises the defaults, and a project without its own quotas gets them', async () => {
  const shown = await nova(admin, 'GET', '/os-quota-class-sets/default');
  assert.equal(shown.status, 200);
  const before = shown.body.quota_class_set;
  assert.equal(before.id, 'default');
  assert.equal(before.floating_ips, 10, 'the network quotas are shown before 2.50');
  assert.ok(!('server_groups' in before), 'server groups are shown from 2.50');
  const { id: _id, ...values } = before as Record<string, number>;
  const raised = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v + 100]));
  const put = await nova(admin, 'PUT', '/os-quota-class-sets/default', { body: { quota_class_set: raised } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body.quota_class_set, raised);
  assert.deepEqual((await nova(admin, 'GET', '/os-quota-class-sets/default')).body.quota_class_set, { id: 'default', ...raised });
  // Every project's defaults follow (demo has no quotas of its own).
  const limits = await nova(demo, 'GET', '/limits');
  assert.equal(limits.body.limits.absolute.maxTotalInstances, values.instances! + 100);
  const v257 = await nova(admin, 'GET', '/os-quota-class-sets/default', { version: '2.57' });
  assert.ok(!('injected_files' in v257.body.quota_class_set) && !('floating_ips' in v257.body.quota_class_set));
  assert.equal(v257.body.quota_class_set.server_groups, 10);
  const unknownKey = await nova(admin, 'PUT', '/os-quota-class-sets/default', {
    version: '2.57',
    body: { quota_class_set: { floating_ips: 1 } },
  });
  assert.equal(unknownKey.status, 400);
  assert.equal((await nova(demo, 'PUT', '/os-quota-class-sets/default', { body: { quota_class_set: { instances: 1 } } })).status, 403);
  const restore = await nova(admin, 'PUT', '/os-quota-class-sets/default', { body: { quota_class_set: values } });
  assert.equal(restore.status, 200);
  assert.equal((await nova(demo, 'GET', '/limits')).body.limits.absolute.maxTotalInstances, values.instances);
});

test('GET /os-hypervisors/{pattern}/servers before 2.53: the instances on each matching hypervisor', async () => {
  const hv = (await nova(admin, 'GET', '/os-hypervisors')).body.hypervisors as { hypervisor_hostname: string }[];
  const mine = (await nova(admin, 'GET', `/servers/${server}`, { version: '2.52' })).body.server['OS-EXT-SRV-ATTR:hypervisor_hostname'];
  assert.ok(hv.some((h) => h.hypervisor_hostname === mine));
  const r = await nova(admin, 'GET', `/os-hypervisors/${encodeURIComponent(mine)}/servers`, { version: '2.52' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const match = (r.body.hypervisors as { hypervisor_hostname: string; servers?: { uuid: string; name: string }[] }[]).find(
    (h) => h.hypervisor_hostname === mine,
  )!;
  assert.ok(
    match.servers?.some((s) => s.uuid === server && /^instance-[0-9a-f]{8}$/.test(s.name)),
    JSON.stringify(r.body),
  );
  const none = await nova(admin, 'GET', '/os-hypervisors/no-such-host/servers', { version: '2.52' });
  assert.equal(none.status, 404);
  assert.equal(faultOf(none).message, "No hypervisor matching 'no-such-host' could be found.");
  assert.equal((await nova(demo, 'GET', `/os-hypervisors/${mine}/servers`, { version: '2.52' })).status, 403);
  assert.equal((await nova(admin, 'GET', `/os-hypervisors/${mine}/servers`, { version: '2.53' })).status, 404, 'gone in 2.53');
});
