import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Aggregate, LabHost } from '../../contract/model.js';
import {
  addHostRefusal,
  aggregatesByHost,
  deleteRefusal,
  mergedMetadata,
  renameRefusal,
  seedAggregates,
  zoneChangeRefusal,
} from './aggregates.js';
import { hostZone } from '../shared/host-zone.js';

const host = (name: string, zone: string, aggregates: LabHost['aggregates'] = []): LabHost => ({
  name,
  vcpus: 2,
  memory_mb: 2048,
  disk_gb: 20,
  availability_zone: zone,
  capabilities: {},
  architectures: ['x86_64'],
  hypervisor_types: ['qemu'],
  aggregates,
  metrics: {},
});

const agg = (id: number, name: string, hosts: string[], metadata: Record<string, string> = {}): Aggregate => ({
  id,
  uuid: `uuid-${id}`,
  name,
  hosts,
  metadata,
  created_at: '2026-12-07T09:00:00.000Z',
  updated_at: null,
});

test('the default topology seeds fast-storage and one aggregate per non-default zone', () => {
  let n = 0;
  const seeded = seedAggregates(
    [
      host('host-a', 'nova', [{ name: 'fast-storage', metadata: { ssd: 'true' } }]),
      host('host-b', 'nova'),
      host('host-c', 'az-east', [{ name: 'fast-storage', metadata: { ssd: 'true' } }]),
      host('host-d', 'az-east'),
    ],
    'nova',
    '2026-12-07T09:00:00.000Z',
    () => `u${++n}`,
  );
  assert.deepEqual(
    seeded.map((a) => [a.id, a.name, a.hosts, a.metadata]),
    [
      [1, 'az-east', ['host-c', 'host-d'], { availability_zone: 'az-east' }],
      [2, 'fast-storage', ['host-a', 'host-c'], { ssd: 'true' }],
    ],
  );
  assert.deepEqual(
    seeded.map((a) => a.uuid),
    ['u1', 'u2'],
  );
});

test('a topology aggregate that already carries the zone is the zone: no extra aggregate', () => {
  const seeded = seedAggregates(
    [host('h1', 'az1', [{ name: 'rack1', metadata: { availability_zone: 'az1' } }]), host('h2', 'az1')],
    'nova',
    't',
    () => 'u',
  );
  assert.deepEqual(
    seeded.map((a) => [a.name, a.hosts]),
    [
      ['az1', ['h2']],
      ['rack1', ['h1']],
    ],
  );
});

test("a host's zone: its aggregates' zones sorted and joined, else the default zone (Nova's get_host_availability_zone)", () => {
  const all = [agg(1, 'a', ['h1', 'h2'], { availability_zone: 'az2' }), agg(2, 'b', ['h1'], { ssd: 'true' }), agg(3, 'c', ['h3'])];
  const byHost = aggregatesByHost(all);
  const rows: [string, string][] = [
    ['h1', 'az2'],
    ['h2', 'az2'],
    ['h3', 'nova'],
    ['h4', 'nova'],
  ];
  for (const [h, zone] of rows) assert.equal(hostZone(byHost.get(h), 'nova'), zone, h);
  assert.equal(hostZone([agg(1, 'x', ['h'], { availability_zone: 'b' }), agg(2, 'y', ['h'], { availability_zone: 'a' })], 'nova'), 'a,b');
  assert.deepEqual(
    byHost.get('h1')!.map((a) => a.name),
    ['a', 'b'],
  );
});

test('add_host: a second zone for a host is a 409 with Nova message; a host already there is a 409', () => {
  const all = [
    agg(1, 'zone1', ['h1'], { availability_zone: 'az1' }),
    agg(2, 'zone2', [], { availability_zone: 'az2' }),
    agg(3, 'plain', ['h1']),
  ];
  const cases: [Aggregate, string, { name: string; code: number; message: string } | null][] = [
    [
      all[1]!,
      'h1',
      {
        name: 'InvalidAggregateActionAdd',
        code: 409,
        message: "Cannot add host to aggregate 2. Reason: One or more hosts already in availability zone(s) ['az1'].",
      },
    ],
    [all[1]!, 'h2', null],
    [all[2]!, 'h2', null],
    [all[2]!, 'h1', { name: 'AggregateHostExists', code: 409, message: 'Aggregate 3 already has host h1.' }],
    [agg(4, 'same-zone', [], { availability_zone: 'az1' }), 'h1', null],
  ];
  for (const [a, h, want] of cases) assert.deepEqual(addHostRefusal(a, h, all), want, `${a.name} + ${h}`);
});

test('zone changes by update or set_metadata: empty zone refused, conflicting zones refused, hosts with instances keep their zone', () => {
  const a = agg(1, 'zone1', ['h1'], { availability_zone: 'az1' });
  const all = [a, agg(2, 'other', ['h1'], { availability_zone: 'az9' }), agg(3, 'plain', ['h2'])];
  const none = () => 0;
  const some = () => 1;
  assert.deepEqual(zoneChangeRefusal('update_meta', a, { availability_zone: null }, all, a.hosts, none), {
    name: 'InvalidAggregateActionUpdateMeta',
    code: 400,
    message: 'Cannot update metadata of aggregate 1. Reason: Aggregate zone1 does not support empty named availability zone.',
  });
  assert.deepEqual(zoneChangeRefusal('update', a, { availability_zone: 'az2' }, all, a.hosts, none), {
    name: 'InvalidAggregateActionUpdate',
    code: 400,
    message: "Cannot update aggregate 1. Reason: One or more hosts already in availability zone(s) ['az9'].",
  });
  const b = agg(3, 'plain', ['h2']);
  assert.equal(zoneChangeRefusal('update', b, { availability_zone: 'az2' }, all, b.hosts, none), null);
  assert.deepEqual(zoneChangeRefusal('update', b, { availability_zone: 'az2' }, all, b.hosts, some), {
    name: 'InvalidAggregateActionUpdate',
    code: 400,
    message: 'Cannot update aggregate 3. Reason: One or more hosts contain instances in this zone.',
  });
  // The same zone again is no move: instances do not matter; metadata without the zone is never checked.
  const c = agg(5, 'c', ['h3'], { availability_zone: 'az3' });
  assert.equal(zoneChangeRefusal('update', c, { availability_zone: 'az3' }, [c], c.hosts, some), null);
  assert.equal(zoneChangeRefusal('update_meta', a, { ssd: 'true' }, all, a.hosts, some), null);
});

test('delete is refused while hosts remain; a rename may not take another aggregate name', () => {
  assert.deepEqual(deleteRefusal(agg(7, 'x', ['h1'])), {
    name: 'InvalidAggregateActionDelete',
    code: 400,
    message: 'Cannot remove host from aggregate 7. Reason: Host aggregate is not empty.',
  });
  assert.equal(deleteRefusal(agg(7, 'x', [])), null);
  const all = [agg(1, 'a', []), agg(2, 'b', [])];
  assert.deepEqual(renameRefusal(all[0]!, 'b', all), { name: 'AggregateNameExists', code: 409, message: 'Aggregate b already exists.' });
  assert.equal(renameRefusal(all[0]!, 'a', all), null);
});

test('set_metadata: a null value removes its key, others are set, the rest stays', () => {
  assert.deepEqual(mergedMetadata({ a: '1', b: '2' }, { a: null, c: '3', missing: null }), { b: '2', c: '3' });
});
