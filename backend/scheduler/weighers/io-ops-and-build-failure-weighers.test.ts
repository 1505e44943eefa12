import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weighHosts } from '../weigher-handler.js';
import { DEFAULT_WEIGHER_OPTIONS } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

test("IoOpsWeigher: raw = io ops, normalised from 0, Nova's default multiplier -1.0 prefers the least busy host", () => {
  assert.equal(DEFAULT_WEIGHER_OPTIONS.io_ops_weight_multiplier, -1);
  const hosts = [makeHost({ host: 'two', num_io_ops: 2 }), makeHost({ host: 'none' }), makeHost({ host: 'four', num_io_ops: 4 })];
  const { trace, ranking } = weighHosts(hosts, makeSpec(), ['IoOpsWeigher'], DEFAULT_WEIGHER_OPTIONS);
  assert.equal(trace[0]!.multiplier, -1);
  assert.deepEqual({ ...trace[0]!.raw }, { two: 2, none: 0, four: 4 });
  assert.deepEqual({ ...trace[0]!.normalized }, { two: 0.5, none: 0, four: 1 });
  assert.deepEqual(ranking, [
    { host: 'none', weight: 0 },
    { host: 'two', weight: -0.5 },
    { host: 'four', weight: -1 },
  ]);
});

test('IoOpsWeigher with a positive multiplier stacks onto the busiest host', () => {
  const hosts = [makeHost({ host: 'idle' }), makeHost({ host: 'busy', num_io_ops: 3 })];
  const { ranking } = weighHosts(hosts, makeSpec(), ['IoOpsWeigher'], { ...DEFAULT_WEIGHER_OPTIONS, io_ops_weight_multiplier: 2 });
  assert.deepEqual(ranking, [
    { host: 'busy', weight: 2 },
    { host: 'idle', weight: 0 },
  ]);
});

test('BuildFailureWeigher: multiplier −1000000.0 × normalised failures sinks a failing host below any RAM difference', () => {
  assert.equal(DEFAULT_WEIGHER_OPTIONS.build_failure_weight_multiplier, 1000000);
  const hosts = [
    makeHost({ host: 'roomy-but-failing', memory_mb_used: 0, failed_builds: 2 }),
    makeHost({ host: 'full', memory_mb_used: 3072 }),
    makeHost({ host: 'failed-once', memory_mb_used: 0, failed_builds: 1 }),
  ];
  const { trace, ranking } = weighHosts(hosts, makeSpec(), ['RAMWeigher', 'BuildFailureWeigher'], DEFAULT_WEIGHER_OPTIONS);
  const bf = trace[1]!;
  assert.equal(bf.multiplier, -1000000);
  assert.deepEqual({ ...bf.raw }, { 'roomy-but-failing': 2, full: 0, 'failed-once': 1 });
  assert.deepEqual({ ...bf.normalized }, { 'roomy-but-failing': 1, full: 0, 'failed-once': 0.5 });
  // RAM: free 4096, 1024, 4096 normalised from 0 → 1, 0.25, 1.
  assert.deepEqual(ranking, [
    { host: 'full', weight: 0.25 },
    { host: 'failed-once', weight: 1 - 500000 },
    { host: 'roomy-but-failing', weight: 1 - 1000000 },
  ]);
});
