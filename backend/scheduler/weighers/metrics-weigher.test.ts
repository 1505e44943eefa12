import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsWeigher, parseWeightSetting } from './metrics-weigher.js';
import { DEFAULT_WEIGHER_OPTIONS, type WeigherOptions } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

const opts = (over: Partial<WeigherOptions>): WeigherOptions => ({ ...DEFAULT_WEIGHER_OPTIONS, ...over });
const host = makeHost({ metrics: { 'cpu.percent': 40, load: 2 } });

test('sums ratio × metric over weight_setting', () => {
  const o = opts({ metrics_weight_setting: ['cpu.percent=-1.0', 'load=0.5'] });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), -40 + 1);
});

test('gives weight_of_unavailable to a host missing a weighed metric', () => {
  const o = opts({ metrics_weight_setting: ['cpu.percent=1', 'gpu.temp=1'], metrics_weight_of_unavailable: -10000 });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), -10000);
});

test('ignores a missing metric whose ratio is 0', () => {
  const o = opts({ metrics_weight_setting: ['cpu.percent=1', 'gpu.temp=0'] });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), 40);
});

test('weighs 0 with no weight_setting', () => {
  assert.equal(metricsWeigher.weigh(host, makeSpec(), DEFAULT_WEIGHER_OPTIONS), 0);
});

test('parses name=ratio items and sets the invalid ones apart', () => {
  assert.deepEqual(parseWeightSetting([' load = 2 ', 'nope', '=1', 'x=abc']), {
    setting: [['load', 2]],
    invalid: ['nope', '=1', 'x=abc'],
  });
});

test('takes its multiplier from [metrics] weight_multiplier', () => {
  assert.equal(metricsWeigher.multiplier(opts({ metrics_weight_multiplier: 3 })), 3);
});
