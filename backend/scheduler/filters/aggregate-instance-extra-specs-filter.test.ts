import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const fast = makeHost({
  aggregates: [
    { name: 'fast', metadata: { ssd: 'true', tier: 'gold, silver' } },
    { name: 'big', metadata: { ram: '64' } },
  ],
});
const plain = makeHost({ host: 'host-b' });
const check = (host: typeof fast, extra_specs: Record<string, string>) =>
  verdictText(aggregateInstanceExtraSpecsFilter.check(host, makeSpec({ flavor: { extra_specs } })));

test('passes a flavor with no extra specs', () => assert.equal(check(plain, {}), true));

test('matches a scoped key against the aggregate metadata', () => {
  assert.equal(check(fast, { 'aggregate_instance_extra_specs:ssd': 'true' }), true);
});

test('matches an unscoped key against the aggregate metadata', () => {
  assert.equal(check(fast, { ssd: 'true' }), true);
});

test('splits comma-separated metadata values', () => {
  assert.equal(check(fast, { tier: 'silver' }), true);
});

test('applies the extra-spec operators', () => {
  assert.equal(check(fast, { 'aggregate_instance_extra_specs:ram': '>= 32' }), true);
});

test('rejects a host with no aggregate carrying the key, even for an unscoped key', () => {
  assert.match(String(check(plain, { ssd: 'true' })), /no aggregate of this host \(\(none\)\) has metadata "ssd"/);
});

test('rejects a host whose aggregates carry other values', () => {
  assert.match(String(check(fast, { tier: 'bronze' })), /matches none of the host's aggregate values tier="gold", "silver"/);
});

test('ignores keys in other scopes', () => {
  assert.equal(check(plain, { 'capabilities:ssd': 'true', 'hw:cpu_policy': 'dedicated' }), true);
});
