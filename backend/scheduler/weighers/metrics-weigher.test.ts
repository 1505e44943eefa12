import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsWeigher, parseWeightSetting } from './metrics-weigher.js';
import { ComputeHostMetricNotFound, DEFAULT_WEIGHER_OPTIONS, type WeigherOptions } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

const opts = (over: Partial<WeigherOptions>): WeigherOptions => ({ ...DEFAULT_WEIGHER_OPTIONS, ...over });
const host = makeHost({ metrics: { 'cpu.percent': 40, load: 2 } });

test('sums ratio × metric over weight_setting', () => {
  const o = opts({ metrics_weight_setting: ['cpu.percent=-1.0', 'load=0.5'] });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), -40 + 1);
});

test('with [metrics] required = false, gives weight_of_unavailable to a host missing a weighed metric', () => {
  const o = opts({
    metrics_weight_setting: ['cpu.percent=1', 'gpu.temp=1'],
    metrics_weight_of_unavailable: -10000,
    metrics_required: false,
  });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), -10000);
});

test('with [metrics] required = false, ignores a missing metric whose ratio is 0', () => {
  const o = opts({ metrics_weight_setting: ['cpu.percent=1', 'gpu.temp=0'], metrics_required: false });
  assert.equal(metricsWeigher.weigh(host, makeSpec(), o), 40);
});

test('with required = false, a multiplier of 0 from an aggregate makes a missing metric count for nothing', () => {
  const inAgg = makeHost({ metrics: { 'cpu.percent': 40 }, aggregates: [{ name: 'quiet', metadata: { metrics_weight_multiplier: '0' } }] });
  const o = opts({ metrics_weight_setting: ['cpu.percent=1', 'gpu.temp=1'], metrics_required: false });
  assert.equal(metricsWeigher.weigh(inAgg, makeSpec(), o), 40);
});

test("with [metrics] required = true (Nova's default), a missing metric raises ComputeHostMetricNotFound, even at ratio 0", () => {
  for (const setting of [['cpu.percent=1', 'gpu.temp=1'], ['gpu.temp=0']]) {
    const o = opts({ metrics_weight_setting: setting });
    assert.throws(
      () => metricsWeigher.weigh(host, makeSpec(), o),
      (e: Error) =>
        e instanceof ComputeHostMetricNotFound &&
        /Metric gpu\.temp could not be found on the compute host node host-a\.host-a/.test(e.message),
    );
  }
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
