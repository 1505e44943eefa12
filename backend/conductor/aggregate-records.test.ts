import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NovaDb } from './nova-db.js';
import { recordsApi } from './records.js';
import { BusFailure } from '../bus/errors.js';
import type { Aggregate, ComputeNode } from '../../contract/model.js';
import { instanceFixture, nodeFixture } from '../shared/testing/model-fixtures.js';

const SEED: Aggregate[] = [
  {
    id: 1,
    uuid: '11111111-1111-4111-8111-111111111111',
    name: 'fast-storage',
    hosts: ['host-a'],
    metadata: { ssd: 'true' },
    created_at: '2026-12-07T09:00:00.000Z',
    updated_at: null,
  },
];

const tmpFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-agg-')), 'nova.json');

const report = (
  host: string,
): Omit<ComputeNode, 'id' | 'uuid' | 'updated_at' | 'vcpus_used' | 'memory_mb_used' | 'local_gb_used' | 'running_vms'> => {
  const {
    id: _i,
    uuid: _u,
    updated_at: _t,
    vcpus_used: _v,
    memory_mb_used: _m,
    local_gb_used: _l,
    running_vms: _r,
    ...rest
  } = nodeFixture({
    host,
    hypervisor_hostname: host,
    // What the compute reports from its topology is not what counts: the stored aggregates are.
    availability_zone: 'reported-zone',
    aggregates: [{ name: 'reported', metadata: { x: '1' } }],
  });
  return rest;
};

async function lab(seed: Aggregate[] = SEED) {
  const file = tmpFile();
  const db = await NovaDb.open(file, {}, () => structuredClone(seed));
  const api = recordsApi(db, { serviceDownTime: () => 60, defaultZone: () => 'nova' });
  for (const h of ['host-a', 'host-b']) {
    await api.compute_node_update(report(h));
    await api.service_heartbeat('nova-compute', h, 'reported-zone');
  }
  return { file, db, api };
}

async function refusal(p: Promise<unknown>): Promise<{ name: string; code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BusFailure);
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

test('a new database takes the topology seed; host states, nodes and services follow the stored aggregates', async () => {
  const { api } = await lab();
  const states = await api.host_states();
  assert.deepEqual(
    states.map((h) => [h.host, h.availability_zone, h.aggregates]),
    [
      ['host-a', 'nova', [{ name: 'fast-storage', metadata: { ssd: 'true' } }]],
      ['host-b', 'nova', []],
    ],
  );
  // An API change shows at the next decision, and in every other view of the host.
  const az1 = await api.aggregate_create({ name: 'zone1', availability_zone: 'az1' });
  await api.aggregate_add_host(az1.id, 'host-b');
  await api.aggregate_set_metadata(1, { ssd: null, tier: 'gold' });
  assert.deepEqual(
    (await api.host_states()).map((h) => [h.host, h.availability_zone, h.aggregates]),
    [
      ['host-a', 'nova', [{ name: 'fast-storage', metadata: { tier: 'gold' } }]],
      ['host-b', 'az1', [{ name: 'zone1', metadata: { availability_zone: 'az1' } }]],
    ],
  );
  assert.deepEqual(
    (await api.compute_node_list()).map((n) => [n.host, n.availability_zone]),
    [
      ['host-a', 'nova'],
      ['host-b', 'az1'],
    ],
  );
  assert.deepEqual(
    (await api.service_list({ binary: 'nova-compute' })).map((s) => [s.host, s.zone]),
    [
      ['host-a', 'nova'],
      ['host-b', 'az1'],
    ],
  );
});

test('an existing database without aggregates is seeded once; a stored one is kept over the seed', async () => {
  const file = tmpFile();
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(JSON.stringify((await NovaDb.open(tmpFile())).data)), aggregates: undefined }));
  const db = await NovaDb.open(file, {}, () => structuredClone(SEED));
  assert.deepEqual(
    db.data.aggregates.map((a) => a.name),
    ['fast-storage'],
  );
  const api = recordsApi(db, { serviceDownTime: () => 60 });
  // Ids go on from the seeded ones.
  assert.equal((await api.aggregate_create({ name: 'new' })).id, 2);
  const again = await NovaDb.open(file, {}, () => []);
  assert.deepEqual(
    again.data.aggregates.map((a) => [a.id, a.name]),
    [
      [1, 'fast-storage'],
      [2, 'new'],
    ],
  );
});

test("the conductor refuses what Nova refuses, with Nova's status and message", async () => {
  const { api } = await lab();
  const z1 = await api.aggregate_create({ name: 'zone1', availability_zone: 'az1' });
  const z2 = await api.aggregate_create({ name: 'zone2', availability_zone: 'az2' });
  await api.aggregate_add_host(z1.id, 'host-b');
  const rows: [Promise<unknown>, { name: string; code: number; message: string }][] = [
    [api.aggregate_create({ name: 'zone1' }), { name: 'AggregateNameExists', code: 409, message: 'Aggregate zone1 already exists.' }],
    [
      api.aggregate_update(z2.id, { name: 'zone1' }),
      { name: 'AggregateNameExists', code: 409, message: 'Aggregate zone1 already exists.' },
    ],
    [api.aggregate_add_host(99, 'host-a'), { name: 'AggregateNotFound', code: 404, message: 'Aggregate 99 could not be found.' }],
    [
      api.aggregate_add_host(z1.id, 'host-x'),
      { name: 'ComputeHostNotFound', code: 404, message: 'Compute host host-x could not be found.' },
    ],
    [
      api.aggregate_add_host(z1.id, 'host-b'),
      { name: 'AggregateHostExists', code: 409, message: `Aggregate ${z1.id} already has host host-b.` },
    ],
    [
      api.aggregate_add_host(z2.id, 'host-b'),
      {
        name: 'InvalidAggregateActionAdd',
        code: 409,
        message: `Cannot add host to aggregate ${z2.id}. Reason: One or more hosts already in availability zone(s) ['az1'].`,
      },
    ],
    [
      api.aggregate_remove_host(z2.id, 'host-b'),
      { name: 'AggregateHostNotFound', code: 404, message: `Cannot remove host host-b in aggregate ${z2.id}` },
    ],
    [
      api.aggregate_delete(z1.id),
      {
        name: 'InvalidAggregateActionDelete',
        code: 400,
        message: `Cannot remove host from aggregate ${z1.id}. Reason: Host aggregate is not empty.`,
      },
    ],
    [api.aggregate_delete(99), { name: 'AggregateNotFound', code: 404, message: 'Aggregate 99 could not be found.' }],
  ];
  for (const [p, want] of rows) assert.deepEqual(await refusal(p), want);
  // Removing the host empties the aggregate; then it can go, and host-b is back in the default zone.
  assert.deepEqual((await api.aggregate_remove_host(z1.id, 'host-b')).hosts, []);
  await api.aggregate_delete(z1.id);
  assert.equal(await api.aggregate_get(z1.id), null);
  assert.equal((await api.host_states()).find((h) => h.host === 'host-b')!.availability_zone, 'nova');
});

test('update: a new zone moves an empty aggregate; hosts with instances may not change zone', async () => {
  const { api } = await lab();
  const z = await api.aggregate_create({ name: 'zone1', availability_zone: 'az1' });
  await api.aggregate_add_host(z.id, 'host-b');
  const moved = await api.aggregate_update(z.id, { availability_zone: 'az2', name: 'renamed' });
  assert.deepEqual([moved.name, moved.metadata], ['renamed', { availability_zone: 'az2' }]);
  assert.ok(moved.updated_at);
  await api.instance_create([instanceFixture({ uuid: 'i1', vm_state: 'active', host: 'host-b' })]);
  assert.deepEqual(await refusal(api.aggregate_update(z.id, { availability_zone: 'az3' })), {
    name: 'InvalidAggregateActionUpdate',
    code: 400,
    message: `Cannot update aggregate ${z.id}. Reason: One or more hosts contain instances in this zone.`,
  });
  assert.deepEqual(await refusal(api.aggregate_set_metadata(z.id, { availability_zone: 'az3' })), {
    name: 'InvalidAggregateActionUpdateMeta',
    code: 400,
    message: `Cannot update metadata of aggregate ${z.id}. Reason: One or more hosts contain instances in this zone.`,
  });
});

test('deleting a nova-compute service takes its host out of every aggregate, as Nova does', async () => {
  const { api } = await lab();
  const svc = (await api.service_list({ binary: 'nova-compute', host: 'host-a' }))[0]!;
  assert.equal(await api.service_delete(svc.uuid), true);
  assert.deepEqual((await api.aggregate_get(1))!.hosts, []);
});
