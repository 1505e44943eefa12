import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverGroupAntiAffinityFilter } from './server-group-anti-affinity-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const group = (policy: 'affinity' | 'anti-affinity', member_hosts: string[]) =>
  makeSpec({ instance_group: { uuid: 'g1', policy, member_hosts } });

test('passes a host with no member of the group', () => {
  assert.equal(verdictText(serverGroupAntiAffinityFilter.check(makeHost(), group('anti-affinity', ['host-b']))), true);
});

test('rejects a host that already has a member', () => {
  assert.equal(
    verdictText(serverGroupAntiAffinityFilter.check(makeHost(), group('anti-affinity', ['host-a']))),
    'server group g1 has policy anti-affinity and already has a member on host-a',
  );
});

test('does not reject the host already holding this very instance (a move)', () => {
  const host = makeHost({ instance_uuids: ['instance-1'] });
  assert.equal(verdictText(serverGroupAntiAffinityFilter.check(host, group('anti-affinity', ['host-a']))), true);
});

test('ignores affinity groups', () => {
  assert.equal(verdictText(serverGroupAntiAffinityFilter.check(makeHost(), group('affinity', ['host-a']))), true);
});

test('max_server_per_host lets a host take that many members, and no more', () => {
  const spec = (member_hosts: string[]) =>
    makeSpec({ instance_group: { uuid: 'g2', policy: 'anti-affinity', member_hosts, max_server_per_host: 2 } });
  assert.equal(verdictText(serverGroupAntiAffinityFilter.check(makeHost(), spec(['host-a', 'host-b']))), true);
  assert.equal(
    verdictText(serverGroupAntiAffinityFilter.check(makeHost(), spec(['host-a', 'host-b', 'host-a']))),
    'server group g2 has policy anti-affinity with max_server_per_host=2 and host-a already holds 2 members',
  );
});

test('names the group as the learner named it, its id beside the name', () => {
  const spec = makeSpec({ instance_group: { uuid: 'g1', name: 'web', policy: 'anti-affinity', member_hosts: ['host-a'] } });
  assert.equal(
    verdictText(serverGroupAntiAffinityFilter.check(makeHost(), spec)),
    'server group web (g1) has policy anti-affinity and already has a member on host-a',
  );
});
