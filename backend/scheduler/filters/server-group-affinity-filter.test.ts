import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverGroupAffinityFilter } from './server-group-affinity-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const group = (policy: 'affinity' | 'anti-affinity', member_hosts: string[]) =>
  makeSpec({ instance_group: { uuid: 'g1', policy, member_hosts } });

test('passes any host when the instance is in no group', () => {
  assert.equal(verdictText(serverGroupAffinityFilter.check(makeHost(), makeSpec())), true);
});

test('passes any host for the first member of an affinity group', () => {
  assert.equal(verdictText(serverGroupAffinityFilter.check(makeHost(), group('affinity', []))), true);
});

test('passes the host the members are on', () => {
  assert.equal(verdictText(serverGroupAffinityFilter.check(makeHost({ host: 'host-b' }), group('affinity', ['host-b']))), true);
});

test('rejects a host the members are not on', () => {
  assert.equal(
    verdictText(serverGroupAffinityFilter.check(makeHost({ host: 'host-a' }), group('affinity', ['host-b']))),
    'server group g1 has policy affinity and its members are on host-b, not on this host',
  );
});

test('ignores anti-affinity groups', () => {
  assert.equal(verdictText(serverGroupAffinityFilter.check(makeHost(), group('anti-affinity', ['host-b']))), true);
});

test('names the group as the learner named it, its id beside the name', () => {
  const spec = makeSpec({ instance_group: { uuid: 'g1', name: 'db', policy: 'affinity', member_hosts: ['host-b'] } });
  assert.equal(
    verdictText(serverGroupAffinityFilter.check(makeHost(), spec)),
    'server group db (g1) has policy affinity and its members are on host-b, not on this host',
  );
});
