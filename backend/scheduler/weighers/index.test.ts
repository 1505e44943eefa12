import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEIGHER_NAMES } from '../../../contract/scheduler-names.js';
import { DEFAULT_WEIGHER_OPTIONS, WEIGHERS, unknownWeighersMessage, weighersFor } from './index.js';

test('the registry holds exactly the weighers the contract names', () => {
  assert.deepEqual(Object.keys(WEIGHERS).sort(), [...WEIGHER_NAMES].sort());
});

test('each registered weigher carries its own name', () => {
  for (const [name, weigher] of Object.entries(WEIGHERS)) assert.equal(weigher.name, name);
});

test('names every unknown weigher in one message', () => {
  assert.match(
    String(unknownWeighersMessage(['RAMWeigher', 'HostnameWeigher'])),
    /scheduler_weight_classes: unknown weigher\(s\) HostnameWeigher; known: RAMWeigher/,
  );
  assert.throws(() => weighersFor(['Nope']), /Nope/);
});

test('defaults come from the nova.conf option table', () => {
  assert.deepEqual(DEFAULT_WEIGHER_OPTIONS, {
    ram_weight_multiplier: 1,
    cpu_weight_multiplier: 1,
    disk_weight_multiplier: 1,
    soft_affinity_weight_multiplier: 1,
    soft_anti_affinity_weight_multiplier: 1,
    metrics_weight_setting: [],
    metrics_weight_multiplier: 1,
    metrics_weight_of_unavailable: -10000,
    metrics_required: true,
    io_ops_weight_multiplier: -1,
    build_failure_weight_multiplier: 1000000,
  });
});
