import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityZoneFilter } from './availability-zone-filter.js';
import { runFilters } from '../host-filter-handler.js';
import { makeHost, makeSpec, verdictText, reasonsOnly } from '../test-fixtures.js';

test('passes any host when no zone is requested', () => {
  assert.equal(verdictText(availabilityZoneFilter.check(makeHost({ availability_zone: 'az2' }), makeSpec())), true);
});

test('passes a host in the requested zone', () => {
  const spec = makeSpec({ availability_zone: 'az2' });
  assert.equal(verdictText(availabilityZoneFilter.check(makeHost({ availability_zone: 'az2' }), spec)), true);
});

test('rejects a host in another zone, naming both', () => {
  const spec = makeSpec({ availability_zone: 'az2' });
  assert.equal(
    verdictText(availabilityZoneFilter.check(makeHost({ availability_zone: 'nova' }), spec)),
    'host is in zone "nova", the request asks for zone "az2"',
  );
});

test("an aggregate's availability_zone metadata puts its hosts in that zone (Zed: any of the host's aggregate zones)", () => {
  const agg = (name: string, zone: string) => ({ name, metadata: { availability_zone: zone } });
  const hosts = [
    makeHost({ host: 'east', availability_zone: 'nova', aggregates: [agg('rack-1', 'az-east')] }),
    makeHost({ host: 'both', availability_zone: 'nova', aggregates: [agg('rack-1', 'az-east'), agg('rack-2', 'az-west')] }),
    makeHost({ host: 'default', availability_zone: 'nova', aggregates: [{ name: 'ssd', metadata: { ssd: 'true' } }] }),
  ];
  const run = (zone: string) => runFilters(hosts, makeSpec({ availability_zone: zone }), ['AvailabilityZoneFilter']).trace[0]!;
  assert.deepEqual(run('az-east').passed, ['east', 'both']);
  assert.deepEqual(run('az-west').passed, ['both']);
  assert.deepEqual(run('nova').passed, ['default']);
  assert.deepEqual(reasonsOnly(run('nova').rejected)[0], {
    host: 'east',
    reason: 'host is in zone "az-east" (aggregate availability_zone metadata), the request asks for zone "nova"',
  });
});
