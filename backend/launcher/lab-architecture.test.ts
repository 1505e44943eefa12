import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiWorkerGroups, ratioSources, readBeforeChange } from './lab-architecture.js';
import type { ServiceProcess } from '../../contract/services.js';
import { processFixture } from '../shared/testing/model-fixtures.js';

const node = (aggregates: { name: string; metadata: Record<string, string> }[]) => ({
  cpu_allocation_ratio: 16,
  ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1,
  aggregates,
});
const byKey = (rs: ReturnType<typeof ratioSources>) => Object.fromEntries(rs.map((r) => [r.key, r]));

test("with AggregateCoreFilter enabled an aggregate's cpu ratio is the one used (the minimum of several); others stay nova.conf's", () => {
  const rs = byKey(
    ratioSources(
      node([
        { name: 'dense', metadata: { cpu_allocation_ratio: '4.0' } },
        { name: 'denser', metadata: { cpu_allocation_ratio: '2' } },
      ]),
      ['AggregateCoreFilter', 'RamFilter'],
    ),
  );
  assert.deepEqual(
    { value: rs.cpu_allocation_ratio!.value, source: rs.cpu_allocation_ratio!.source, conf: rs.cpu_allocation_ratio!.conf_value },
    { value: 2, source: 'aggregate', conf: 16 },
  );
  assert.deepEqual(
    rs.cpu_allocation_ratio!.aggregates.map((a) => a.name),
    ['dense', 'denser'],
  );
  assert.deepEqual([rs.ram_allocation_ratio!.value, rs.ram_allocation_ratio!.source], [1.5, 'nova.conf']);
});

test("without the Aggregate filter the aggregate's value is listed but not used", () => {
  const rs = byKey(ratioSources(node([{ name: 'dense', metadata: { cpu_allocation_ratio: '4.0' } }]), ['CoreFilter']));
  assert.equal(rs.cpu_allocation_ratio!.value, 16);
  assert.equal(rs.cpu_allocation_ratio!.source, 'nova.conf');
  assert.equal(rs.cpu_allocation_ratio!.filter_enabled, false);
  assert.deepEqual(rs.cpu_allocation_ratio!.aggregates, [{ name: 'dense', value: '4.0' }]);
});

test("an aggregate value that is not a number leaves nova.conf's ratio, as Nova does", () => {
  const rs = byKey(ratioSources(node([{ name: 'bad', metadata: { ram_allocation_ratio: 'lots' } }]), ['AggregateRamFilter']));
  assert.deepEqual([rs.ram_allocation_ratio!.value, rs.ram_allocation_ratio!.source], [1.5, 'nova.conf']);
});

test('the API groups name their nova.conf option and the master; unknown roles are left out', () => {
  const g = apiWorkerGroups(100, [
    { role: 'osapi_compute', listen: '127.0.0.1', port: 8774, pids: [101, 102], accepts: 'master' },
    { role: 'metadata', listen: '127.0.0.1', port: 8775, pids: [103], accepts: 'master' },
    { role: 'ec2', listen: '127.0.0.1', port: 8773, pids: [104], accepts: 'master' },
    { role: 'other', listen: '127.0.0.1', port: 1, pids: [105], accepts: 'master' },
  ]);
  assert.deepEqual(
    g.map((x) => [x.option, x.port, x.master_pid, x.worker_pids]),
    [
      ['osapi_compute_workers', 8774, 100, [101, 102]],
      ['metadata_workers', 8775, 100, [103]],
      ['ec2_workers', 8773, 100, [104]],
    ],
  );
});

test('nova-scheduler and each nova-compute started before nova.conf changed are named; later ones and others are not', () => {
  const p = (binary: ServiceProcess['binary'], host: string, startedAt: string | null): ServiceProcess =>
    processFixture({ binary, host, pid: startedAt ? 1 : null, startedAt });
  const changed = Date.parse('2026-01-01T10:00:00Z');
  assert.deepEqual(
    readBeforeChange(
      [
        p('nova-scheduler', 'novalab', '2026-01-01T09:00:00Z'),
        p('nova-compute', 'host-a', '2026-01-01T09:00:00Z'),
        p('nova-compute', 'host-b', '2026-01-01T11:00:00Z'),
        p('nova-compute', 'host-c', null),
        p('keystone', 'novalab', '2026-01-01T09:00:00Z'),
      ],
      changed,
    ),
    ['nova-scheduler', 'nova-compute (host-a)'],
  );
});
