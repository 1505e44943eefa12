import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NovaDb } from './nova-db.js';
import { migrationRecords, filterMigrations, flavorKey } from './migration-records.js';
import { moveClaim, usageByHost } from './usage.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';
import { instanceFixture, nodeFixture } from '../shared/testing/model-fixtures.js';
import type { Migration } from '../../contract/model.js';

const [tiny, small] = [DEFAULT_FLAVORS[0]!, DEFAULT_FLAVORS[1]!];

async function withInstance(host = 'h1') {
  const db = await NovaDb.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-')), 'nova.json'));
  const inst = instanceFixture({ uuid: 'aaaaaaaa-0000-0000-0000-000000000001', host, node: host, vm_state: 'active', flavor: tiny });
  await db.mutate((d) => void d.instances.push(inst));
  const nodes = [
    nodeFixture({ host: 'h1', hypervisor_hostname: 'h1' }),
    nodeFixture({ host: 'h2', hypervisor_hostname: 'h2', memory_mb: 768 }),
  ];
  return { db, inst, moves: migrationRecords(db, async () => nodes) };
}

test('a started move records the migration and the context; a claim counts the instance on both hosts', async () => {
  const { db, inst, moves } = await withInstance();
  const m = await moves.migration_start(inst.uuid, 'resize', small, 'u1');
  assert.equal(m.status, 'pre-migrating');
  assert.deepEqual([m.source_compute, m.dest_compute, m.old_instance_type_id, m.new_instance_type_id], ['h1', null, 1, 2]);
  assert.equal(usageByHost(db.data.instances).get('h2'), undefined, 'no destination before the claim');
  const claim = await moves.migration_claim(m.id, 'h2', { memory_mb: 768 });
  assert.equal(claim.ok, true, claim.reason ?? '');
  const use = usageByHost(db.data.instances);
  assert.equal(use.get('h1')!.ram, 256, 'the source keeps the old flavor');
  assert.equal(use.get('h2')!.ram, 512, 'the destination holds the new flavor');
  assert.deepEqual([use.get('h1')!.count, use.get('h2')!.count], [1, 0], 'running_vms counts the instance where it is');
  assert.equal((await moves.migration_get(m.id))!.dest_compute, 'h2');
});

test('a migration claim that does not fit is refused and changes nothing', async () => {
  const { db, inst, moves } = await withInstance();
  const big = { ...small, id: '9', ram: 1024 };
  const m = await moves.migration_start(inst.uuid, 'resize', big, 'u1');
  const claim = await moves.migration_claim(m.id, 'h2', { memory_mb: 768 });
  assert.equal(claim.ok, false);
  assert.match(claim.reason!, /^h2: /);
  assert.equal(db.data.instances[0]!.migration_context!.dest_host, null);
  assert.equal((await moves.migration_get(m.id))!.dest_compute, null);
});

test('moveClaim: the other host of a move, before and after the hand-over; same host counts both', () => {
  const ctx = {
    migration_id: 1,
    kind: 'resize' as const,
    old_flavor: tiny,
    new_flavor: small,
    source_host: 'h1',
    source_node: 'h1',
    source_az: 'nova',
    dest_host: 'h2',
    dest_node: 'h2',
    dest_az: 'nova',
    old_vm_state: 'active' as const,
    at_dest: false,
  };
  assert.deepEqual(moveClaim({ host: 'h1', migration_context: ctx }), { host: 'h2', flavor: small });
  assert.deepEqual(moveClaim({ host: 'h2', migration_context: { ...ctx, at_dest: true } }), { host: 'h1', flavor: tiny });
  assert.equal(moveClaim({ host: 'h1', migration_context: { ...ctx, dest_host: null } }), null);
  const same = instanceFixture({ host: 'h1', flavor: tiny, migration_context: { ...ctx, dest_host: 'h1' } });
  assert.equal(usageByHost([same]).get('h1')!.ram, 256 + 512);
});

test('filterMigrations: os-migrations filters; hidden rows never', () => {
  const row = (over: Partial<Migration>): Migration => ({
    id: 1,
    uuid: 'u',
    instance_uuid: 'i1',
    migration_type: 'resize',
    status: 'finished',
    source_compute: 'h1',
    source_node: 'h1',
    dest_compute: 'h2',
    dest_node: 'h2',
    dest_host: 'h2',
    old_instance_type_id: 1,
    new_instance_type_id: 2,
    user_id: 'u1',
    project_id: 'p1',
    hidden: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: null,
    ...over,
  });
  const all = [row({}), row({ id: 2, migration_type: 'migration', dest_compute: 'h3', instance_uuid: 'i2' }), row({ id: 3, hidden: true })];
  assert.deepEqual(
    filterMigrations(all, {}).map((m) => m.id),
    [1, 2],
  );
  assert.deepEqual(
    filterMigrations(all, { host: 'h3' }).map((m) => m.id),
    [2],
  );
  assert.deepEqual(
    filterMigrations(all, { migration_type: 'resize', instance_uuid: 'i1', status: 'finished' }).map((m) => m.id),
    [1],
  );
  assert.equal(flavorKey({ id: '42' }), 42);
  assert.equal(flavorKey({ id: 'a-uuid' }), null);
});

test('a confirmed resize becomes the flavor later schedulings ask for', async () => {
  const { db, inst, moves } = await withInstance();
  await db.mutate((d) => {
    d.request_specs[inst.uuid] = { flavor: tiny } as never;
  });
  const m = await moves.migration_start(inst.uuid, 'resize', small, 'u1');
  await moves.migration_update(m.id, { status: 'finished' });
  assert.equal(db.data.request_specs[inst.uuid]!.flavor.name, 'm1.tiny', 'not before the confirm');
  await moves.migration_update(m.id, { status: 'confirmed' });
  assert.equal(db.data.request_specs[inst.uuid]!.flavor.name, 'm1.small');
});
