import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';

// Three hosts: vm-1 on host-a, vm-2 and vm-3 on host-b, nothing on host-c.
const hosts = [
  makeHost({ host: 'host-a', instance_uuids: ['vm-1'] }),
  makeHost({ host: 'host-b', instance_uuids: ['vm-2', 'vm-3'] }),
  makeHost({ host: 'host-c', instance_uuids: [] }),
];
const passing = (filter: string, hints: Record<string, string | string[]>) =>
  runFilters(hosts, makeSpec({ scheduler_hints: hints }), [filter]).trace[0]!;

// Nova's decisions (nova/scheduler/filters/affinity_filter.py), hint → hosts passing.
const table: [filter: string, hints: Record<string, string | string[]>, passes: string[]][] = [
  ['SameHostFilter', {}, ['host-a', 'host-b', 'host-c']],
  ['SameHostFilter', { same_host: 'vm-1' }, ['host-a']],
  ['SameHostFilter', { same_host: ['vm-1', 'vm-3'] }, ['host-a', 'host-b']],
  ['SameHostFilter', { same_host: ['vm-gone'] }, []],
  ['DifferentHostFilter', {}, ['host-a', 'host-b', 'host-c']],
  ['DifferentHostFilter', { different_host: 'vm-2' }, ['host-a', 'host-c']],
  ['DifferentHostFilter', { different_host: ['vm-1', 'vm-3'] }, ['host-c']],
  ['DifferentHostFilter', { different_host: ['vm-gone'] }, ['host-a', 'host-b', 'host-c']],
];

for (const [filter, hints, passes] of table) {
  test(`${filter} with ${JSON.stringify(hints)} passes ${passes.join(', ') || 'no host'}`, () => {
    assert.deepEqual(passing(filter, hints).passed, passes);
  });
}

test('SameHostFilter says which instances the hint named and that none is on the host', () => {
  const entry = passing('SameHostFilter', { same_host: ['vm-1', 'vm-3'] });
  assert.deepEqual(reasonsOnly(entry.rejected), [
    { host: 'host-c', reason: 'scheduler hint same_host asks for the host of vm-1, vm-3; none of them is on this host' },
  ]);
});

test('DifferentHostFilter names the hinted instances found on the host', () => {
  const entry = passing('DifferentHostFilter', { different_host: ['vm-1', 'vm-2', 'vm-3'] });
  assert.deepEqual(reasonsOnly(entry.rejected), [
    { host: 'host-a', reason: 'scheduler hint different_host excludes the hosts of vm-1, vm-2, vm-3; vm-1 is on this host' },
    { host: 'host-b', reason: 'scheduler hint different_host excludes the hosts of vm-1, vm-2, vm-3; vm-2, vm-3 are on this host' },
  ]);
});
