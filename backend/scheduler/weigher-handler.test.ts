import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, rankIndices, weighHosts } from './weigher-handler.js';
import { DEFAULT_WEIGHER_OPTIONS } from './weighers/types.js';
import { makeHost, makeSpec } from './test-fixtures.js';

const hosts = [
  makeHost({ host: 'half', memory_mb: 4096, memory_mb_used: 2048 }),
  makeHost({ host: 'empty', memory_mb: 4096, memory_mb_used: 0 }),
  makeHost({ host: 'full', memory_mb: 4096, memory_mb_used: 3072 }),
];
const weigh = (ram_weight_multiplier: number) =>
  weighHosts(hosts, makeSpec(), ['RAMWeigher'], { ...DEFAULT_WEIGHER_OPTIONS, ram_weight_multiplier });

test('normalises to 0..1 between the smallest and largest value', () => {
  assert.deepEqual([...normalize([10, 20, 30])], [0, 0.5, 1]);
});

test('normalises equal values to 0', () => {
  assert.deepEqual([...normalize([7, 7, 7])], [0, 0, 0]);
});

test('normalises from a fixed minimum when the weigher has one', () => {
  assert.deepEqual([...normalize([2, 4], 0)], [0.5, 1]);
});

test('ram_weight_multiplier +1.0 picks the host with the most free RAM (spreading)', () => {
  assert.deepEqual(
    weigh(1).ranking.map((r) => r.host),
    ['empty', 'half', 'full'],
  );
});

test('ram_weight_multiplier -1.0 picks the host with the least free RAM (stacking)', () => {
  assert.deepEqual(
    weigh(-1).ranking.map((r) => r.host),
    ['full', 'half', 'empty'],
  );
});

test('records raw and normalised weights per host and the multiplier', () => {
  const [trace] = weigh(-1).trace;
  assert.ok(trace);
  assert.equal(trace.name, 'RAMWeigher');
  assert.equal(trace.multiplier, -1);
  assert.deepEqual({ ...trace.raw }, { half: 2048, empty: 4096, full: 1024 });
  assert.deepEqual({ ...trace.normalized }, { half: 0.5, empty: 1, full: 0.25 });
  assert.deepEqual(
    weigh(-1).ranking.map((r) => r.weight),
    [-0.25, -0.5, -1],
  );
});

test('sums several weighers, each times its multiplier', () => {
  const spread = [
    makeHost({ host: 'ram-rich', memory_mb_used: 0, vcpus_used: 60 }),
    makeHost({ host: 'cpu-rich', memory_mb_used: 3072, vcpus_used: 0 }),
  ];
  const opts = { ...DEFAULT_WEIGHER_OPTIONS, ram_weight_multiplier: 1, cpu_weight_multiplier: 2 };
  const result = weighHosts(spread, makeSpec(), ['RAMWeigher', 'CPUWeigher'], opts);
  assert.deepEqual(
    result.ranking.map((r) => r.host),
    ['cpu-rich', 'ram-rich'],
  );
});

test('keeps the filter order between hosts of equal weight', () => {
  const same = ['c', 'a', 'b'].map((host) => makeHost({ host }));
  const result = weighHosts(same, makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS);
  assert.deepEqual(
    result.ranking.map((r) => r.host),
    ['c', 'a', 'b'],
  );
});

test('does not weigh a single host (as Nova)', () => {
  const result = weighHosts(hosts.slice(0, 1), makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS);
  assert.deepEqual(result.ranking, [{ host: 'half', weight: 0 }]);
  assert.deepEqual(result.trace, []);
});

test('raises negative raw weights to the weigher minimum (overcommitted RAM counts as 0)', () => {
  const over = [makeHost({ host: 'over', memory_mb_used: 5000 }), makeHost({ host: 'ok', memory_mb_used: 0 })];
  const [trace] = weighHosts(over, makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS).trace;
  assert.ok(trace);
  assert.equal(trace.raw.over, 0);
});

test('ranks by weight, highest first, ties in their original order', () => {
  const weights = new Float64Array([0.5, 1, -0.0, 0.5, 0, 1, -2]);
  assert.deepEqual(rankIndices(weights), [1, 5, 0, 3, 2, 4, 6]);
});

test('keeps a host called "__proto__" in the trace records', () => {
  const odd = [makeHost({ host: '__proto__', memory_mb_used: 0 }), makeHost({ host: 'b', memory_mb_used: 2048 })];
  const [trace] = weighHosts(odd, makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS).trace;
  assert.ok(trace);
  assert.deepEqual(Object.keys(trace.raw), ['__proto__', 'b']);
  assert.equal(JSON.parse(JSON.stringify(trace.raw)).b, 2048);
});

test('a weigher that weighs every host 0 still lists every host, raw and normalised 0', () => {
  const { trace } = weighHosts(hosts, makeSpec(), ['IoOpsWeigher', 'ServerGroupSoftAffinityWeigher'], DEFAULT_WEIGHER_OPTIONS);
  for (const t of trace) {
    assert.deepEqual({ ...t.raw }, { half: 0, empty: 0, full: 0 }, t.name);
    assert.deepEqual({ ...t.normalized }, { half: 0, empty: 0, full: 0 }, t.name);
  }
});
