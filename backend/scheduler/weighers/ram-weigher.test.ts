import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ramWeigher } from './ram-weigher.js';
import { DEFAULT_WEIGHER_OPTIONS } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

test('weighs a host by its free RAM', () => {
  const host = makeHost({ memory_mb: 4096, memory_mb_used: 1024 });
  assert.equal(ramWeigher.weigh(host, makeSpec(), DEFAULT_WEIGHER_OPTIONS), 3072);
});

test('takes its multiplier from ram_weight_multiplier', () => {
  assert.equal(ramWeigher.multiplier({ ...DEFAULT_WEIGHER_OPTIONS, ram_weight_multiplier: -1 }), -1);
});
