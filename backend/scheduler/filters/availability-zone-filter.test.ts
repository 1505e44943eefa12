import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityZoneFilter } from './availability-zone-filter.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

test('passes any host when no zone is requested', () => {
  assert.equal(availabilityZoneFilter.check(makeHost({ availability_zone: 'az2' }), makeSpec()), true);
});

test('passes a host in the requested zone', () => {
  const spec = makeSpec({ availability_zone: 'az2' });
  assert.equal(availabilityZoneFilter.check(makeHost({ availability_zone: 'az2' }), spec), true);
});

test('rejects a host in another zone, naming both', () => {
  const spec = makeSpec({ availability_zone: 'az2' });
  assert.equal(
    availabilityZoneFilter.check(makeHost({ availability_zone: 'nova' }), spec),
    'host is in zone "nova", the request asks for zone "az2"',
  );
});
