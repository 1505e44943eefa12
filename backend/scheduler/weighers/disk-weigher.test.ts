import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskWeigher } from './disk-weigher.js';
import { DEFAULT_WEIGHER_OPTIONS } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

test('weighs a host by its free disk in MB', () => {
  const host = makeHost({ local_gb: 40, local_gb_used: 10 });
  assert.equal(diskWeigher.weigh(host, makeSpec(), DEFAULT_WEIGHER_OPTIONS), 30 * 1024);
});

test('takes its multiplier from disk_weight_multiplier', () => {
  assert.equal(diskWeigher.multiplier({ ...DEFAULT_WEIGHER_OPTIONS, disk_weight_multiplier: 0 }), 0);
});
