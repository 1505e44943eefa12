import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../microversion.js';
import { nodeFixture, serviceFixture } from '../../shared/testing/model-fixtures.js';
import { aggregateView, availabilityZones, hypervisorDetail, hypervisorSummary, serviceView, uptimeText } from './host-views.js';
import { serviceIsUp } from '../../shared/service-health.js';

const v = (s: string) => parseVersion(s)!;
const h = { node: nodeFixture(), service: serviceFixture(), up: true, workload: 0 };
const STATS = [
  'cpu_info',
  'current_workload',
  'disk_available_least',
  'free_disk_gb',
  'free_ram_mb',
  'local_gb',
  'local_gb_used',
  'memory_mb',
  'memory_mb_used',
  'running_vms',
  'vcpus',
  'vcpus_used',
];
const BASE = ['host_ip', 'hypervisor_hostname', 'hypervisor_type', 'hypervisor_version', 'id', 'service', 'state', 'status'];

test('hypervisor ids are integers below 2.53 and UUIDs from 2.53, for the service too', () => {
  assert.equal(hypervisorSummary(h, v('2.52')).id, 3);
  assert.equal(hypervisorSummary(h, v('2.53')).id, h.node.uuid);
  assert.deepEqual(hypervisorDetail(h, v('2.1'), 'x').service, { id: 5, host: 'host-a', disabled_reason: null });
  assert.deepEqual((hypervisorDetail(h, v('2.53'), 'x').service as { id: string }).id, h.service.uuid);
});

test('cpu_info is a JSON string below 2.28 and an object from 2.28; 2.88 drops the stats and adds uptime', () => {
  assert.equal(typeof hypervisorDetail(h, v('2.27'), 'x').cpu_info, 'string');
  assert.deepEqual(JSON.parse(hypervisorDetail(h, v('2.27'), 'x').cpu_info as string), h.node.cpu_info);
  assert.deepEqual(hypervisorDetail(h, v('2.28'), 'x').cpu_info, h.node.cpu_info);
  assert.deepEqual(Object.keys(hypervisorDetail(h, v('2.87'), 'x')).sort(), [...BASE, ...STATS].sort());
  assert.deepEqual(Object.keys(hypervisorDetail(h, v('2.88'), 'up 1 day')).sort(), [...BASE, 'uptime'].sort());
  assert.equal(hypervisorDetail(h, v('2.1'), 'x').free_ram_mb, 4096 - 256);
});

test('the uptime text parses with the regex OSC uses', () => {
  const text = uptimeText(new Date('2026-11-23T19:07:13'), 93780, [0.1, 0.05, 0.01]);
  const m = /\s*(.+)\sup\s+(.+),\s+(.+)\susers?,\s+load average:\s(.+)/.exec(text);
  assert.ok(m, text);
  assert.equal(m[1], '19:07:13');
  assert.equal(m[2], '1 day,  2:03');
  assert.equal(m[4], '0.10, 0.05, 0.01');
});

test('services: int id below 2.53, forced_down from 2.11, up means a recent heartbeat', () => {
  const s = serviceFixture({ disabled: true, disabled_reason: 'maintenance' });
  assert.deepEqual(Object.keys(serviceView(s, true, v('2.1'))).sort(), [
    'binary',
    'disabled_reason',
    'host',
    'id',
    'state',
    'status',
    'updated_at',
    'zone',
  ]);
  assert.equal(serviceView(s, true, v('2.1')).status, 'disabled');
  assert.equal(serviceView(s, true, v('2.11')).forced_down, false);
  assert.equal(serviceView(s, false, v('2.53')).id, s.uuid);
  assert.equal(serviceIsUp(serviceFixture({ updated_at: new Date(Date.now() - 61_000).toISOString() }), Date.now(), 60), false);
  assert.equal(serviceIsUp(serviceFixture({ forced_down: true }), Date.now(), 60), false);
});

test('availability zones: compute zones for everyone, "internal" only in detail', () => {
  const services = [
    serviceFixture(),
    serviceFixture({ id: 6, host: 'host-c', zone: 'az-east', disabled: true }),
    serviceFixture({ id: 1, binary: 'nova-conductor', host: 'novalab', zone: 'internal' }),
  ];
  const list = availabilityZones(services, () => true, false) as { zoneName: string; hosts: unknown; zoneState: { available: boolean } }[];
  assert.deepEqual(
    list.map((z) => [z.zoneName, z.zoneState.available, z.hosts]),
    [
      ['az-east', false, null],
      ['nova', true, null],
    ],
  );
  const detail = availabilityZones(services, () => true, true) as {
    zoneName: string;
    hosts: Record<string, Record<string, { active: boolean }>>;
  }[];
  assert.deepEqual(
    detail.map((z) => z.zoneName),
    ['internal', 'az-east', 'nova'],
  );
  assert.equal(detail[0]!.hosts.novalab!['nova-conductor']!.active, true);
  assert.equal(detail[1]!.hosts['host-c']!['nova-compute']!.active, false);
});

test('an aggregate is shown as Nova marshals it: uuid from 2.41, zone from its metadata, create without hosts/metadata', () => {
  const agg = {
    id: 4,
    uuid: '6ba28ba7-f29b-45cc-a30b-6e3a40c2fb14',
    name: 'fast',
    hosts: ['host-a'],
    metadata: { ssd: 'true', availability_zone: 'az1' },
    created_at: '2026-11-23T19:00:00.000Z',
    updated_at: null,
  };
  assert.deepEqual(aggregateView(agg, v('2.41')), {
    id: 4,
    uuid: '6ba28ba7-f29b-45cc-a30b-6e3a40c2fb14',
    name: 'fast',
    availability_zone: 'az1',
    hosts: ['host-a'],
    metadata: { ssd: 'true', availability_zone: 'az1' },
    created_at: '2026-11-23T19:00:00.000000',
    updated_at: null,
    deleted_at: null,
    deleted: false,
  });
  assert.equal('uuid' in aggregateView(agg, v('2.40')), false);
  const created = aggregateView({ ...agg, metadata: {} }, v('2.1'), { created: true });
  assert.deepEqual(Object.keys(created).sort(), ['availability_zone', 'created_at', 'deleted', 'deleted_at', 'id', 'name', 'updated_at']);
  assert.equal(created.availability_zone, null);
});
