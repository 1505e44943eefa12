// The scheduler view's grid: what each host did at each filter, and the weights behind the pick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleTrace } from '../../../../contract/scheduler';
import { claimLimits, filterGrid, fmt, weightRows } from './trace-table';

const trace = (over: Partial<ScheduleTrace> = {}): ScheduleTrace =>
  ({
    request_id: 'req-1',
    instance_uuid: 'u-1',
    attempt: 1,
    started_at: '',
    hosts: ['a', 'b', 'c'],
    filters: [
      {
        name: 'RamFilter',
        start: 3,
        end: 2,
        passed: ['a', 'b'],
        rejected: [{ host: 'c', reason: 'c: 512 MB usable RAM < 2048 MB requested (ratio 1.5)' }],
      },
      {
        name: 'CoreFilter',
        start: 2,
        end: 1,
        passed: ['a'],
        rejected: [{ host: 'b', reason: 'b: 8 vCPUs × ratio 2 = 16 usable, 16 used, 1 requested' }],
      },
    ],
    weighers: [{ name: 'RAMWeigher', multiplier: 1, raw: { a: 4096 }, normalized: { a: 1 } }],
    ranking: [{ host: 'a', weight: 1 }],
    subset_size: 1,
    subset: ['a'],
    chosen: 'a',
    emptied_by: null,
    error: null,
    ...over,
  }) as ScheduleTrace;

test('each host passes, is rejected with its reason, or was dropped before a filter', () => {
  const g = filterGrid(trace());
  assert.deepEqual(
    g.filters.map((f) => [f.name, f.start, f.end, f.emptied]),
    [
      ['RamFilter', 3, 2, false],
      ['CoreFilter', 2, 1, false],
    ],
  );
  const row = (h: string) => g.rows.find((r) => r.host === h)!;
  assert.deepEqual(row('a').cells, [{ kind: 'pass' }, { kind: 'pass' }]);
  assert.equal(row('a').droppedBy, null);
  assert.deepEqual(row('b').cells, [
    { kind: 'pass' },
    { kind: 'reject', reason: 'b: 8 vCPUs × ratio 2 = 16 usable, 16 used, 1 requested' },
  ]);
  assert.equal(row('b').droppedBy, 'CoreFilter');
  assert.deepEqual(
    row('c').cells.map((c) => c.kind),
    ['reject', 'skipped'],
  );
  assert.equal(row('c').droppedBy, 'RamFilter');
});

test('a NoValidHost marks the filter that emptied the list, and there is no weighing', () => {
  const t = trace({ emptied_by: 'CoreFilter', chosen: null, ranking: [], subset: [], weighers: [] });
  assert.deepEqual(
    filterGrid(t).filters.map((f) => f.emptied),
    [false, true],
  );
  assert.deepEqual(weightRows(t), []);
});

test('weights per weigher, the total, the rank, the subset and the pick', () => {
  const t = trace({
    weighers: [
      { name: 'RAMWeigher', multiplier: 1, raw: { a: 4096, b: 1024 }, normalized: { a: 1, b: 0 } },
      { name: 'CPUWeigher', multiplier: -1, raw: { a: 2, b: 6 }, normalized: { a: 0, b: 1 } },
    ],
    ranking: [
      { host: 'a', weight: 1 },
      { host: 'b', weight: -1 },
    ],
    subset_size: 2,
    subset: ['a', 'b'],
    chosen: 'b',
  });
  const rows = weightRows(t);
  assert.deepEqual(
    rows.map((r) => [r.host, r.rank, r.total, r.inSubset, r.chosen]),
    [
      ['a', 1, 1, true, false],
      ['b', 2, -1, true, true],
    ],
  );
  assert.deepEqual(rows[1]!.parts, [
    { name: 'RAMWeigher', raw: 1024, normalized: 0, multiplier: 1 },
    { name: 'CPUWeigher', raw: 6, normalized: 1, multiplier: -1 },
  ]);
  assert.deepEqual([fmt(null), fmt(3), fmt(0.12345), fmt(Number.NaN)], ['-', '3', '0.123', '-']);
});

test('the claim limits: each resource with the limit its filter set, or unlimited when no filter set one', () => {
  assert.deepEqual(claimLimits(trace({ chosen: 'a', limits: { memory_mb: 6144, vcpu: 64 } })), [
    { resource: 'memory_mb', setBy: 'RamFilter', limit: 6144 },
    { resource: 'vcpu', setBy: 'CoreFilter', limit: 64 },
    { resource: 'disk_gb', setBy: 'DiskFilter', limit: null },
  ]);
  assert.deepEqual(claimLimits(trace({ chosen: null })), [], 'NoValidHost: nothing was claimed');
});

test("a host whose aggregate sets the weigher's multiplier shows that multiplier in its cell", () => {
  const t = trace({
    weighers: [
      {
        name: 'RAMWeigher',
        multiplier: 1,
        multipliers: { stacked: -1, spread: 1 },
        raw: { stacked: 2048, spread: 8192 },
        normalized: { stacked: 0.25, spread: 1 },
      },
    ],
    ranking: [
      { host: 'spread', weight: 1 },
      { host: 'stacked', weight: -0.25 },
    ],
  });
  assert.deepEqual(
    weightRows(t).map((r) => [r.host, r.parts[0]!.multiplier]),
    [
      ['spread', 1],
      ['stacked', -1],
    ],
  );
});
