import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { DEFAULT_FILTER_OPTIONS } from './types.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';

const hosts = [
  makeHost({ host: 'idle' }),
  makeHost({ host: 'busy', num_io_ops: 8 }),
  makeHost({ host: 'seven', num_io_ops: 7 }),
  makeHost({ host: 'busy-in-wide', num_io_ops: 8, aggregates: [{ name: 'wide', metadata: { max_io_ops_per_host: '16' } }] }),
];

test("IoOpsFilter: with Nova's default max_io_ops_per_host 8, a host with 8 I/O operations under way fails", () => {
  assert.equal(DEFAULT_FILTER_OPTIONS.max_io_ops_per_host, 8);
  const entry = runFilters(hosts, makeSpec(), ['IoOpsFilter']).trace[0]!;
  assert.deepEqual(entry.passed, ['idle', 'seven']);
  assert.deepEqual(reasonsOnly(entry.rejected)[0], {
    host: 'busy',
    reason: '8 I/O operations under way (builds, resizes, snapshots…), max_io_ops_per_host is 8 (nova.conf)',
  });
});

test('AggregateIoOpsFilter: an aggregate may raise the limit for its hosts', () => {
  const entry = runFilters(hosts, makeSpec(), ['AggregateIoOpsFilter']).trace[0]!;
  assert.deepEqual(entry.passed, ['idle', 'seven', 'busy-in-wide']);
});

test('max_io_ops_per_host from nova.conf is honoured', () => {
  const opts = { ...DEFAULT_FILTER_OPTIONS, max_io_ops_per_host: 1 };
  assert.deepEqual(
    runFilters(hosts, makeSpec(), ['IoOpsFilter'], { filterOptions: opts }).passed.map((h) => h.host),
    ['idle'],
  );
});
