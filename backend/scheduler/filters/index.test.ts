import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILTER_NAMES } from '../../../contract/scheduler-names.js';
import { FILTERS, filtersFor, unknownFiltersMessage } from './index.js';

test('the registry holds exactly the filters the contract names', () => {
  assert.deepEqual(Object.keys(FILTERS).sort(), [...FILTER_NAMES].sort());
});

test('each registered filter carries its own name', () => {
  for (const [name, filter] of Object.entries(FILTERS)) assert.equal(filter.name, name);
});

test('names every unknown filter in one message', () => {
  assert.equal(
    unknownFiltersMessage(['RamFilter', 'FooFilter', 'NUMATopologyFilter'])?.split(';')[0],
    'scheduler_default_filters: unknown filter(s) FooFilter, NUMATopologyFilter',
  );
  assert.equal(unknownFiltersMessage(['RamFilter', 'CoreFilter']), null);
});

test('returns the filters in the configured order', () => {
  assert.deepEqual(
    filtersFor(['CoreFilter', 'RamFilter']).map((f) => f.name),
    ['CoreFilter', 'RamFilter'],
  );
  assert.throws(() => filtersFor(['Nope']), /Nope/);
});
