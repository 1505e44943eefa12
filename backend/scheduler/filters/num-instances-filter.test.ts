import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { DEFAULT_FILTER_OPTIONS } from './types.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';

const hosts = [
  makeHost({ host: 'two', num_instances: 2 }),
  makeHost({ host: 'three', num_instances: 3 }),
  makeHost({ host: 'four-in-big', num_instances: 4, aggregates: [{ name: 'big', metadata: { max_instances_per_host: '10' } }] }),
  makeHost({
    host: 'two-in-small',
    num_instances: 2,
    aggregates: [
      { name: 'big', metadata: { max_instances_per_host: '10' } },
      { name: 'small', metadata: { max_instances_per_host: '2' } },
    ],
  }),
  makeHost({ host: 'one-in-broken', num_instances: 1, aggregates: [{ name: 'broken', metadata: { max_instances_per_host: '2.5' } }] }),
];
const run = (filter: string, max: number) =>
  runFilters(hosts, makeSpec(), [filter], { filterOptions: { ...DEFAULT_FILTER_OPTIONS, max_instances_per_host: max } }).trace[0]!;

test("Nova's default max_instances_per_host is 50", () => {
  assert.equal(DEFAULT_FILTER_OPTIONS.max_instances_per_host, 50);
});

test('NumInstancesFilter: a host passes while it holds fewer than max_instances_per_host', () => {
  const entry = run('NumInstancesFilter', 3);
  assert.deepEqual(entry.passed, ['two', 'two-in-small', 'one-in-broken']);
  assert.deepEqual(reasonsOnly(entry.rejected), [
    { host: 'three', reason: '3 instances on the host, max_instances_per_host is 3 (nova.conf)' },
    { host: 'four-in-big', reason: '4 instances on the host, max_instances_per_host is 3 (nova.conf)' },
  ]);
});

test('AggregateNumInstancesFilter: the minimum of the aggregates, else nova.conf; a value that is not an int falls back', () => {
  const entry = run('AggregateNumInstancesFilter', 3);
  // four-in-big: 4 < 10 passes; two-in-small: min(10, 2) = 2, 2 < 2 fails; one-in-broken: int("2.5") fails → 3.
  assert.deepEqual(entry.passed, ['two', 'four-in-big', 'one-in-broken']);
  assert.deepEqual(reasonsOnly(entry.rejected), [
    { host: 'three', reason: '3 instances on the host, max_instances_per_host is 3 (nova.conf)' },
    {
      host: 'two-in-small',
      reason:
        '2 instances on the host, max_instances_per_host is 2 (aggregate metadata max_instances_per_host (minimum of big: 10, small: 2))',
    },
  ]);
});
