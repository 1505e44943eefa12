import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NovaDb, readNovaData } from './nova-db.js';
import { recordsApi } from './records.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';
import type { Instance } from '../../contract/model.js';
import { buildingInstanceFixture } from '../shared/testing/model-fixtures.js';
import type { PublishedEvent } from '../bus/wire.js';

async function fresh() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-')), 'nova.json');
  const events: PublishedEvent[] = [];
  const db = await NovaDb.open(file);
  return { file, db, events, api: recordsApi(db, { serviceDownTime: () => 60, publish: (e) => events.push(e) }) };
}

const instance = (uuid: string, flavor = DEFAULT_FLAVORS[0]!): Instance => buildingInstanceFixture(uuid, flavor);

test('an instance record is on disk when instance_create returns, and the conductor announces step 5', async () => {
  const { file, api, events } = await fresh();
  await api.instance_create([instance('a')]);
  const onDisk = readNovaData(file);
  assert.deepEqual(
    onDisk.instances.map((i) => i.uuid),
    ['a'],
  );
  assert.equal(events[0]!.step, 'conductor.record');
  assert.equal(events[0]!.ctx!.request_id, 'req-1');
});

test('a state change that expects another state is refused with 409 and changes nothing', async () => {
  const { api } = await fresh();
  await api.instance_create([instance('a')]);
  await assert.rejects(
    api.instance_update('a', { task_state: 'pausing' }, { vm_state: ['active'] }),
    (e: Error & { code?: number }) => e.code === 409,
  );
  assert.equal((await api.instance_get('a'))!.task_state, 'scheduling');
});

test('a claim is refused once the host is full at its ratios, and a deleted instance frees its room', async () => {
  const { api } = await fresh();
  await api.compute_node_update({
    host: 'h',
    hypervisor_hostname: 'h',
    availability_zone: 'nova',
    vcpus: 1,
    memory_mb: 4096,
    local_gb: 10,
    hypervisor_type: 'QEMU',
    hypervisor_version: 1,
    cpu_info: {},
    supported_instances: [],
    capabilities: {},
    aggregates: [],
    metrics: {},
    accelerator: 'tcg',
    accelerator_reason: '',
    cpu_allocation_ratio: 2,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 1,
  });
  await api.instance_create([instance('a'), instance('b'), instance('c')]);
  // CoreFilter's limit for this host: 1 vCPU × ratio 2.
  const limits = { vcpu: 2 };
  assert.equal((await api.instance_claim('a', 'h', limits)).ok, true);
  assert.equal((await api.instance_claim('b', 'h', limits)).ok, true);
  const third = await api.instance_claim('c', 'h', limits);
  assert.equal(third.ok, false);
  assert.equal(third.reason, 'h: free vcpu 0 VCPU < 1 VCPU requested (limit 2 VCPU − 2 VCPU used)');
  assert.equal((await api.instance_get('c'))!.host, null, 'a refused claim leaves no host');
  await api.instance_destroy('a');
  assert.equal((await api.instance_claim('c', 'h', limits)).ok, true);
});

test('a claim without limits (no resource filter enabled, or a forced host) places even on a full host', async () => {
  const { api } = await fresh();
  await api.compute_node_update({
    host: 'h',
    hypervisor_hostname: 'h',
    availability_zone: 'nova',
    vcpus: 1,
    memory_mb: 512,
    local_gb: 1,
    hypervisor_type: 'QEMU',
    hypervisor_version: 1,
    cpu_info: {},
    supported_instances: [],
    capabilities: {},
    aggregates: [],
    metrics: {},
    accelerator: 'tcg',
    accelerator_reason: '',
    cpu_allocation_ratio: 1,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 1,
  });
  await api.instance_create([instance('a'), instance('b'), instance('c')]);
  for (const uuid of ['a', 'b', 'c']) assert.equal((await api.instance_claim(uuid, 'h')).ok, true);
  const [node] = await api.compute_node_list();
  assert.equal(node!.vcpus_used, 3, 'Nova overcommits what no filter limits');
});

test('a burst of concurrent changes is persisted in a few writes, each change on disk when acknowledged', async () => {
  const { file, db, api } = await fresh();
  const before = db.writeStats.commits;
  await Promise.all(Array.from({ length: 100 }, (_, i) => api.instance_create([instance(`i${i}`)])));
  const onDisk = readNovaData(file);
  assert.equal(onDisk.instances.length, 100);
  const writes = db.writeStats.commits - before;
  assert.ok(writes <= 3, `${writes} writes for 100 concurrent creates`);
});

const bigNode = (host: string) => ({
  host,
  hypervisor_hostname: host,
  availability_zone: 'nova',
  vcpus: 64,
  memory_mb: 65536,
  local_gb: 1000,
  hypervisor_type: 'QEMU',
  hypervisor_version: 1,
  cpu_info: {},
  supported_instances: [],
  capabilities: {},
  aggregates: [],
  metrics: {},
  accelerator: 'tcg' as const,
  accelerator_reason: '',
  cpu_allocation_ratio: 16,
  ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1,
});
const group = (id: string, policy: 'affinity' | 'anti-affinity', rules = {}) => ({
  id,
  name: id,
  policy,
  rules,
  members: [],
  project_id: 'p',
  user_id: 'u',
  created_at: '',
});

test('server groups: members join in the create, claims keep anti-affinity even for concurrent members, and a deleted member leaves', async () => {
  const { api } = await fresh();
  for (const h of ['h1', 'h2']) await api.compute_node_update(bigNode(h));
  await api.server_group_create(group('g', 'anti-affinity'));
  await api.instance_create([instance('a'), instance('b'), instance('c')], { id: 'g', max_members: 10 });
  assert.deepEqual((await api.server_group_get('g'))!.members, ['a', 'b', 'c']);
  // Scheduled at once, all three were told "no member placed yet"; the claims decide.
  const claims = await Promise.all(['a', 'b', 'c'].map((u) => api.instance_claim(u, 'h1')));
  assert.deepEqual(
    claims.map((c) => c.ok),
    [true, false, false],
  );
  assert.equal(claims[1]!.reason, 'server group g has policy anti-affinity and h1 already holds 1 of its members (at most 1)');
  assert.equal((await api.instance_claim('b', 'h2')).ok, true);
  assert.deepEqual(await api.instance_group_spec('c'), { uuid: 'g', name: 'g', policy: 'anti-affinity', member_hosts: ['h1', 'h2'] });
  await api.instance_destroy('a');
  assert.deepEqual((await api.server_group_get('g'))!.members, ['b', 'c']);
  assert.equal((await api.instance_claim('c', 'h1')).ok, true, 'h1 is free of members again');
});

test('server groups: affinity keeps members together; a full or missing group refuses the create and records nothing', async () => {
  const { api } = await fresh();
  for (const h of ['h1', 'h2']) await api.compute_node_update(bigNode(h));
  await api.server_group_create(group('together', 'affinity'));
  await api.instance_create([instance('a'), instance('b')], { id: 'together', max_members: 3 });
  assert.equal((await api.instance_claim('a', 'h2')).ok, true);
  assert.match((await api.instance_claim('b', 'h1')).reason!, /policy affinity and its members are on h2/);
  assert.equal((await api.instance_claim('b', 'h2')).ok, true);
  await assert.rejects(
    api.instance_create([instance('c'), instance('d')], { id: 'together', max_members: 3 }),
    (e: Error & { code?: number }) => e.code === 403 && /too many servers in group/.test(e.message),
  );
  await assert.rejects(
    api.instance_create([instance('e')], { id: 'gone', max_members: 3 }),
    (e: Error & { code?: number }) => e.code === 400,
  );
  assert.deepEqual((await api.instance_list({})).map((i) => i.uuid).sort(), ['a', 'b']);
  assert.deepEqual(
    (await api.server_group_list({ member: 'b' })).map((g) => g.id),
    ['together'],
  );
  assert.equal((await api.quota_usage('p')).server_groups, 1);
  assert.equal(await api.server_group_delete('together'), true);
  assert.equal(await api.server_group_delete('together'), false);
});

test('failed builds: a build that fails on a host counts against it, a successful one resets the count', async () => {
  const { api, db } = await fresh();
  await api.compute_node_update(bigNode('h1'));
  await api.instance_create([instance('a'), instance('b'), instance('c')]);
  const failedOn = async () => (await api.host_states()).map((h) => h.failed_builds);
  for (const uuid of ['a', 'b']) {
    await api.instance_claim(uuid, 'h1');
    await api.instance_update(uuid, { vm_state: 'error', task_state: null });
  }
  assert.deepEqual(await failedOn(), [2]);
  assert.deepEqual(db.data.failed_builds, { h1: 2 });
  await api.instance_claim('c', 'h1');
  await api.instance_update('c', { vm_state: 'active', task_state: null });
  assert.deepEqual(await failedOn(), [0]);
});

test('host_states shows, of the instances on each host, only the one being placed and those the hints name', async () => {
  const { api } = await fresh();
  await api.compute_node_update(bigNode('h1'));
  await api.instance_create([instance('mine'), instance('hinted'), instance('other')]);
  for (const uuid of ['mine', 'hinted', 'other']) await api.instance_claim(uuid, 'h1');
  assert.deepEqual((await api.host_states('mine'))[0]!.instance_uuids, ['mine']);
  assert.deepEqual((await api.host_states('mine', ['hinted']))[0]!.instance_uuids, ['mine', 'hinted']);
});

test("a claim records the zone of the host's aggregate", async () => {
  const { api } = await fresh();
  await api.compute_node_update(bigNode('h1'));
  const east = await api.aggregate_create({ name: 'east', availability_zone: 'az-east' });
  await api.aggregate_add_host(east.id, 'h1');
  await api.instance_create([instance('a')]);
  assert.equal((await api.instance_claim('a', 'h1')).instance!.availability_zone, 'az-east');
});

test('after every kind of record change, the files hold exactly what the conductor holds in memory', async () => {
  const { file, db, api } = await fresh();
  const node = {
    host: 'h',
    hypervisor_hostname: 'h',
    availability_zone: 'nova',
    vcpus: 8,
    memory_mb: 8192,
    local_gb: 100,
    hypervisor_type: 'QEMU',
    hypervisor_version: 1,
    cpu_info: {},
    supported_instances: [],
    capabilities: {},
    aggregates: [],
    metrics: {},
    accelerator: 'tcg' as const,
    accelerator_reason: '',
    cpu_allocation_ratio: 2,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 1,
  };
  const same = () => assert.deepEqual(readNovaData(file), JSON.parse(JSON.stringify(db.plain)));
  await api.service_heartbeat('nova-compute', 'h', 'nova');
  await api.service_heartbeat('nova-scheduler', 's', 'internal');
  await api.compute_node_update(node);
  await api.compute_node_update({ ...node, vcpus: 16 });
  const group = {
    id: 'g',
    name: 'g',
    policy: 'anti-affinity' as const,
    rules: {},
    members: [],
    project_id: 'p',
    user_id: 'u',
    created_at: '',
  };
  await api.server_group_create(group);
  await api.instance_create([instance('a'), instance('b')], { id: 'g', max_members: 10 });
  await api.action_start({
    instance_uuid: 'a',
    request_id: 'r1',
    action: 'create',
    start_time: 't',
    user_id: 'u',
    project_id: 'p',
    message: null,
  } as never);
  await api.action_event_start('a', 'r1', 'compute__do_build_and_run_instance', 'h');
  await api.instance_claim('a', 'h');
  await api.instance_update('a', { vm_state: 'active', task_state: null });
  await api.action_event_finish('a', 'r1', 'compute__do_build_and_run_instance', 'Error', 'x', 'tb');
  same();
  await api.keypair_create({ user_id: 'u', name: 'k', public_key: 'ssh-rsa AAAA', fingerprint: 'f', type: 'ssh' } as never);
  await api.quota_update('p', { instances: 5 });
  await api.flavor_create({ ...DEFAULT_FLAVORS[0]!, id: 'x', name: 'x', extra_specs: {} });
  await api.flavor_extra_specs_update('x', { 'hw:cpu_policy': 'shared' });
  await api.flavor_extra_specs_update('x', { 'hw:cpu_policy': null });
  await api.aggregate_create({ name: 'agg', availability_zone: 'az1' });
  same();
  await api.instance_destroy('b');
  await api.keypair_delete('u', 'k');
  await api.quota_delete('p');
  await api.flavor_delete('x');
  await api.service_delete((await api.service_list({ binary: 'nova-scheduler' }))[0]!.uuid);
  await api.server_group_delete('g');
  same();
  await db.close();
  const again = await NovaDb.open(file);
  assert.deepEqual(JSON.parse(JSON.stringify(again.plain)), JSON.parse(JSON.stringify(db.plain)));
  assert.equal((await recordsApi(again, { serviceDownTime: () => 60 }).action_list('a'))[0]!.events[0]!.result, 'Error');
});

test('scheduling traces: the last N are kept, outside the database, and survive a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-'));
  const file = path.join(dir, 'nova.json');
  const db = await NovaDb.open(file, { traceKeep: () => 5 });
  const api = recordsApi(db, { serviceDownTime: () => 60 });
  const before = db.writeStats.commits;
  for (let i = 0; i < 23; i++) await api.trace_save({ request_id: `r${i}`, instance_uuid: i % 2 ? 'odd' : 'even' } as never);
  assert.equal(db.writeStats.commits, before, 'no database write for a trace');
  assert.deepEqual(
    (await api.trace_list('odd')).map((t) => t.request_id),
    ['r19', 'r21'],
  );
  await db.close();
  assert.ok(fs.readFileSync(path.join(dir, 'scheduler-traces.jsonl'), 'utf8').split('\n').length <= 11, 'the file stays bounded');
  const again = recordsApi(await NovaDb.open(file, { traceKeep: () => 5 }), { serviceDownTime: () => 60 });
  assert.deepEqual(
    (await again.trace_get('r22')).map((t) => t.instance_uuid),
    ['even'],
  );
  assert.deepEqual(await again.trace_list('odd'), await api.trace_list('odd'));
});

test('instance_list filters and cuts the page in the conductor: newest first, limit, marker, any filter', async () => {
  const { api } = await fresh();
  const made = Array.from({ length: 30 }, (_, k) => ({
    ...instance(`u${k}`),
    image: { ...instance('x').image, id: k % 3 === 0 ? 'img-a' : 'img-b' },
    tags: k % 2 ? ['odd'] : [],
  }));
  await api.instance_create(made);
  const ids = (f: Parameters<typeof api.instance_list>[0]) => api.instance_list(f).then((l) => l.map((i) => i.uuid));
  const imgA = made.filter((i) => i.image.id === 'img-a').map((i) => i.uuid);
  assert.deepEqual(await ids({ image: 'img-a', limit: 4 }), imgA.slice().reverse().slice(0, 4));
  assert.deepEqual(await ids({ image: 'img-a', limit: 4, marker: 'u18' }), ['u15', 'u12', 'u9', 'u6']);
  assert.deepEqual(await ids({ image: 'img-a', tags: ['odd'] }), ['u27', 'u21', 'u15', 'u9', 'u3']);
  assert.deepEqual(await ids({ image: 'img-a', not_tags_any: ['odd'], limit: 2 }), ['u24', 'u18']);
  // A marker that the filters exclude is not found, as before.
  await assert.rejects(api.instance_list({ image: 'img-a', marker: 'u1' }), (e: Error & { code?: number }) => e.code === 400);
  assert.equal((await api.instance_list({})).length, 30);
});
