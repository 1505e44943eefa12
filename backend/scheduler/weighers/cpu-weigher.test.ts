import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuWeigher } from './cpu-weigher.js';
import { DEFAULT_WEIGHER_OPTIONS } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

test('weighs a host by its free vCPUs after the allocation ratio', () => {
  const host = makeHost({ vcpus: 4, cpu_allocation_ratio: 2, vcpus_used: 3 });
  assert.equal(cpuWeigher.weigh(host, makeSpec(), DEFAULT_WEIGHER_OPTIONS), 5);
});

test('takes its multiplier from cpu_weight_multiplier', () => {
  assert.equal(cpuWeigher.multiplier({ ...DEFAULT_WEIGHER_OPTIONS, cpu_weight_multiplier: 2.5 }), 2.5);
});
