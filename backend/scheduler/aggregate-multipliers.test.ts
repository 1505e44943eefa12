// Zed's per-aggregate weight multipliers (nova/scheduler/utils.py get_weight_multiplier):
// a host's multiplier is the minimum of the option's value over its aggregates' metadata,
// else nova.conf's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weighHosts } from './weigher-handler.js';
import { selectHost } from './select-destinations.js';
import { weightMultiplier } from '../shared/aggregate-values.js';
import { DEFAULT_WEIGHER_OPTIONS } from './weighers/types.js';
import { makeHost, makeSpec } from './test-fixtures.js';

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });
const stack = agg('stack', { ram_weight_multiplier: '-1.0' });

test('the multiplier is the minimum over the aggregates, else the configured value; an undecodable value means the configured one', () => {
  const table: [aggregates: { name: string; metadata: Record<string, string> }[], expected: number][] = [
    [[], 1],
    [[agg('ssd', { ssd: 'true' })], 1],
    [[stack], -1],
    [[agg('a', { ram_weight_multiplier: '2.5' }), agg('b', { ram_weight_multiplier: '0.5' })], 0.5],
    [[agg('a', { ram_weight_multiplier: '2.5' }), agg('b', { ram_weight_multiplier: 'high' })], 1],
  ];
  for (const [aggregates, expected] of table) {
    assert.equal(weightMultiplier(makeHost({ aggregates }), 'ram_weight_multiplier', 1), expected, JSON.stringify(aggregates));
  }
});

// Four hosts: a-stack and b-stack in the aggregate with ram_weight_multiplier = -1, c and d not.
const hosts = [
  makeHost({ host: 'a-stack', memory_mb: 8192, memory_mb_used: 6144, aggregates: [stack] }), // free 2048
  makeHost({ host: 'b-stack', memory_mb: 8192, memory_mb_used: 2048, aggregates: [stack] }), // free 6144
  makeHost({ host: 'c-spread', memory_mb: 8192, memory_mb_used: 4096 }), // free 4096
  makeHost({ host: 'd-spread', memory_mb: 8192, memory_mb_used: 0 }), // free 8192
];

test('RAMWeigher: raw free RAM, normalised from 0, each host times its own multiplier', () => {
  const { trace, ranking } = weighHosts(hosts, makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS);
  const t = trace[0]!;
  assert.equal(t.multiplier, 1);
  assert.deepEqual({ ...t.multipliers }, { 'a-stack': -1, 'b-stack': -1 }, 'the hosts whose aggregate sets another multiplier');
  assert.deepEqual({ ...t.raw }, { 'a-stack': 2048, 'b-stack': 6144, 'c-spread': 4096, 'd-spread': 8192 });
  assert.deepEqual({ ...t.normalized }, { 'a-stack': 0.25, 'b-stack': 0.75, 'c-spread': 0.5, 'd-spread': 1 });
  assert.deepEqual(ranking, [
    { host: 'd-spread', weight: 1 },
    { host: 'c-spread', weight: 0.5 },
    { host: 'a-stack', weight: -0.25 },
    { host: 'b-stack', weight: -0.75 },
  ]);
});

test('the trace carries per-host multipliers only when an aggregate sets one', () => {
  const plain = hosts.filter((h) => h.aggregates.length === 0);
  assert.equal(weighHosts(plain, makeSpec(), ['RAMWeigher'], DEFAULT_WEIGHER_OPTIONS).trace[0]!.multipliers, undefined);
});

test('among the stacking hosts alone, the fuller one is chosen; among the others, the emptier', () => {
  const opts = {
    filters: [],
    weighers: ['RAMWeigher' as const],
    weigherOptions: DEFAULT_WEIGHER_OPTIONS,
    subsetSize: 1,
    random: () => 0,
    request_id: 'req-1',
    attempt: 1,
  };
  assert.equal(selectHost(hosts.slice(0, 2), makeSpec(), opts).chosen, 'a-stack');
  assert.equal(selectHost(hosts.slice(2), makeSpec(), opts).chosen, 'd-spread');
});

test("BuildFailureWeigher's per-aggregate value is negated like the configured one", () => {
  const lenient = agg('lenient', { build_failure_weight_multiplier: '0.0' });
  const failing = [
    makeHost({ host: 'failing-lenient', failed_builds: 3, aggregates: [lenient] }),
    makeHost({ host: 'failing', failed_builds: 3 }),
    makeHost({ host: 'clean' }),
  ];
  const { trace, ranking } = weighHosts(failing, makeSpec(), ['BuildFailureWeigher'], DEFAULT_WEIGHER_OPTIONS);
  assert.equal(trace[0]!.multiplier, -1000000);
  assert.deepEqual({ ...trace[0]!.multipliers }, { 'failing-lenient': -0 });
  assert.deepEqual(
    ranking.map((r) => r.host),
    ['failing-lenient', 'clean', 'failing'],
  );
});
