import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';
import { aggregateResourceFilter } from './aggregate-resource-filters.js';
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });

// Four 4-vCPU hosts with 6 vCPUs in use, host ratio 16.0 (Nova's default), and a 2-vCPU request.
const cpuHosts = [
  makeHost({ host: 'no-aggregate', vcpus_used: 6 }),
  makeHost({ host: 'ratio-1', vcpus_used: 6, aggregates: [agg('strict', { cpu_allocation_ratio: '1.0' })] }),
  makeHost({ host: 'ratio-2', vcpus_used: 6, aggregates: [agg('two', { cpu_allocation_ratio: '2.0' })] }),
  makeHost({
    host: 'min-of-two',
    vcpus_used: 6,
    aggregates: [agg('two', { cpu_allocation_ratio: '2.0' }), agg('one-half', { cpu_allocation_ratio: '1.5' })],
  }),
  makeHost({ host: 'bad-value', vcpus_used: 6, aggregates: [agg('bad', { cpu_allocation_ratio: 'lots' })] }),
];

test('AggregateCoreFilter (Stein): the minimum ratio over the aggregates, else the host ratio', () => {
  const entry = runFilters(cpuHosts, makeSpec({ flavor: { vcpus: 2 } }), ['AggregateCoreFilter']).trace[0]!;
  // no-aggregate: 4 × 16 = 64 ≥ 8; ratio-1: 4 − 6 < 2; ratio-2: 8 − 6 = 2 ≥ 2; min-of-two: 6 − 6 < 2; bad-value: 16.0.
  assert.deepEqual(entry.passed, ['no-aggregate', 'ratio-2', 'bad-value']);
  assert.deepEqual(reasonsOnly(entry.rejected), [
    {
      host: 'ratio-1',
      reason: '4 vCPUs × ratio 1.0 = 4 usable, 6 used, 2 requested; ratio from aggregate metadata cpu_allocation_ratio (strict: 1.0)',
    },
    {
      host: 'min-of-two',
      reason:
        '4 vCPUs × ratio 1.5 = 6 usable, 6 used, 2 requested; ratio from aggregate metadata cpu_allocation_ratio (minimum of two: 2.0, one-half: 1.5)',
    },
  ]);
});

test('AggregateCoreFilter and CoreFilter agree where no aggregate sets a ratio', () => {
  const plain = [makeHost({ host: 'a', vcpus_used: 63 }), makeHost({ host: 'b', vcpus_used: 10 })];
  const spec = makeSpec({ flavor: { vcpus: 2 } });
  assert.deepEqual(
    runFilters(plain, spec, ['AggregateCoreFilter']).trace[0]!.rejected,
    runFilters(plain, spec, ['CoreFilter']).trace[0]!.rejected,
  );
});

test('AggregateRamFilter: ram_allocation_ratio from the aggregate replaces the host ratio 1.5', () => {
  const hosts = [
    makeHost({ host: 'default', memory_mb: 4096, memory_mb_used: 4096 }),
    makeHost({ host: 'no-overcommit', memory_mb: 4096, memory_mb_used: 4096, aggregates: [agg('exact', { ram_allocation_ratio: '1.0' })] }),
  ];
  const entry = runFilters(hosts, makeSpec({ flavor: { ram: 1024 } }), ['AggregateRamFilter']).trace[0]!;
  assert.deepEqual(entry.passed, ['default']);
  assert.deepEqual(reasonsOnly(entry.rejected), [
    {
      host: 'no-overcommit',
      reason:
        '0 MB usable RAM < 1024 MB requested (4096 MB × ratio 1.0 − 4096 MB used); ratio from aggregate metadata ram_allocation_ratio (exact: 1.0)',
    },
  ]);
});

test('AggregateDiskFilter: disk_allocation_ratio from the aggregate lets a host overcommit its disk', () => {
  const hosts = [
    makeHost({ host: 'default', local_gb: 40, local_gb_used: 30 }),
    makeHost({ host: 'thin', local_gb: 40, local_gb_used: 30, aggregates: [agg('thin', { disk_allocation_ratio: '2.0' })] }),
  ];
  const entry = runFilters(hosts, makeSpec({ flavor: { disk: 20 } }), ['AggregateDiskFilter']).trace[0]!;
  assert.deepEqual(entry.passed, ['thin']);
  assert.match(entry.rejected[0]!.reason, /^10240 MB usable disk < 20480 MB requested/);
});

test("an Aggregate resource filter sets its base filter's limit at the aggregate's ratio, where the base names one", () => {
  const base = {
    name: 'CoreFilter' as const,
    check: () => true as const,
    limits: (h: { vcpus: number; cpu_allocation_ratio: number }) => ({ vcpu: h.vcpus * h.cpu_allocation_ratio }),
  };
  const filter = aggregateResourceFilter('AggregateCoreFilter', 'cpu_allocation_ratio', base, () => true) as {
    limits?: (h: HostState, s: RequestSpec) => unknown;
  };
  const spec = makeSpec();
  assert.deepEqual(filter.limits!(cpuHosts[2]!, spec), { vcpu: 8 }, 'aggregate ratio 2.0 × 4 vCPUs');
  assert.deepEqual(filter.limits!(cpuHosts[0]!, spec), { vcpu: 64 }, 'no aggregate: the host ratio 16.0');
  assert.deepEqual(filter.limits!(cpuHosts[4]!, spec), { vcpu: 64 }, 'an undecodable aggregate value: the host ratio');
});
