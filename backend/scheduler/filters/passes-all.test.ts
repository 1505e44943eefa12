import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILTERS } from './index.js';
import { DEFAULT_FILTER_OPTIONS } from './types.js';
import { runFilters } from '../host-filter-handler.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const hosts = [
  makeHost({ host: 'a', instance_uuids: ['vm-1'], aggregates: [{ name: 'x', metadata: { os_distro: 'debian' } }] }),
  makeHost({ host: 'b', memory_mb_used: 4000, service: { up: false } }),
];
const specs = [
  makeSpec(),
  makeSpec({ scheduler_hints: { same_host: 'vm-1' } }),
  makeSpec({ scheduler_hints: { different_host: ['vm-1'] } }),
  makeSpec({ scheduler_hints: { query: '["=", "$host", "b"]' } }),
  makeSpec({ image: { properties: { os_distro: 'ubuntu' } } }),
];

test("a filter's passesAll shortcut never disagrees with its check", () => {
  for (const filter of Object.values(FILTERS)) {
    if (!filter.passesAll) continue;
    for (const spec of specs) {
      if (!filter.passesAll(spec, DEFAULT_FILTER_OPTIONS)) continue;
      for (const h of hosts) assert.equal(verdictText(filter.check(h, spec, DEFAULT_FILTER_OPTIONS)), true, `${filter.name} on ${h.host}`);
    }
  }
});

test('the shortcut keeps the trace: every host passes, with the previous list', () => {
  const run = runFilters(hosts, makeSpec(), ['AllHostsFilter', 'SameHostFilter', 'DifferentHostFilter', 'JsonFilter']);
  for (const entry of run.trace) assert.deepEqual([entry.start, entry.end, entry.passed, entry.rejected], [2, 2, ['a', 'b'], []]);
  const hinted = runFilters(hosts, makeSpec({ scheduler_hints: { same_host: 'vm-1' } }), ['SameHostFilter']);
  assert.deepEqual(hinted.trace[0]!.passed, ['a'], 'with the hint, the filter runs per host');
});
