import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverGroupSoftAffinityWeigher as soft, serverGroupSoftAntiAffinityWeigher as softAnti } from './server-group-soft-weighers.js';
import { DEFAULT_WEIGHER_OPTIONS } from './types.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

const spec = (policy: 'soft-affinity' | 'soft-anti-affinity' | 'anti-affinity', member_hosts: string[]) =>
  makeSpec({ instance_group: { uuid: 'g', policy, member_hosts } });

test('soft-affinity weighs a host by the members already on it; other policies weigh nothing', () => {
  const a = makeHost({ host: 'a' });
  assert.equal(soft.weigh(a, spec('soft-affinity', ['a', 'b', 'a']), DEFAULT_WEIGHER_OPTIONS), 2);
  assert.equal(soft.weigh(makeHost({ host: 'c' }), spec('soft-affinity', ['a']), DEFAULT_WEIGHER_OPTIONS), 0);
  assert.equal(soft.weigh(a, spec('anti-affinity', ['a']), DEFAULT_WEIGHER_OPTIONS), 0);
  assert.equal(soft.weigh(a, makeSpec(), DEFAULT_WEIGHER_OPTIONS), 0);
});

test('soft-anti-affinity prefers the host with fewest members (negative weight), with its own multiplier', () => {
  const a = makeHost({ host: 'a' });
  assert.equal(softAnti.weigh(a, spec('soft-anti-affinity', ['a', 'a', 'b']), DEFAULT_WEIGHER_OPTIONS), -2);
  assert.equal(softAnti.weigh(a, spec('soft-affinity', ['a']), DEFAULT_WEIGHER_OPTIONS), 0);
  assert.equal(softAnti.multiplier({ ...DEFAULT_WEIGHER_OPTIONS, soft_anti_affinity_weight_multiplier: 3 }), 3);
  assert.equal(soft.multiplier({ ...DEFAULT_WEIGHER_OPTIONS, soft_affinity_weight_multiplier: 0.5 }), 0.5);
});
