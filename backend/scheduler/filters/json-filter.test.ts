import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';

// free_ram_mb: small 1024, mid 3072, big 8192; free_disk_mb: 40 GB each, big 200 GB.
const hosts = [
  makeHost({ host: 'small', memory_mb: 2048, memory_mb_used: 1024, capabilities: { gpu: 'false' } }),
  makeHost({ host: 'mid', memory_mb: 4096, memory_mb_used: 1024, num_instances: 3 }),
  makeHost({ host: 'big', memory_mb: 8192, local_gb: 200, capabilities: { gpu: 'true' } }),
];
const run = (query: unknown) =>
  runFilters(hosts, makeSpec({ scheduler_hints: { query: typeof query === 'string' ? query : JSON.stringify(query) } }), ['JsonFilter'])
    .trace[0]!;

// Nova's JsonFilter decisions (nova/scheduler/filters/json_filter.py), query → hosts passing.
const table: [query: unknown, passes: string[]][] = [
  [
    ['>=', '$free_ram_mb', 3072],
    ['mid', 'big'],
  ],
  [['<', '$free_ram_mb', 3072], ['small']],
  [['=', '$host', 'mid'], ['mid']],
  [
    ['in', '$host', 'small', 'big'],
    ['small', 'big'],
  ],
  [['and', ['>=', '$free_ram_mb', 2048], ['>=', '$free_disk_mb', 204800]], ['big']],
  [
    ['or', ['=', '$host', 'small'], ['>', '$num_instances', 2]],
    ['small', 'mid'],
  ],
  [
    ['not', ['=', '$host', 'mid']],
    ['small', 'big'],
  ],
  [['=', '$capabilities.gpu', 'true'], ['big']],
  // An unknown variable is dropped: one argument left, and a comparison of one is false.
  [['=', '$no_such_field', 1], []],
  // vcpus_total is Nova's name for the lab's vcpus.
  [
    ['>=', '$vcpus_total', 4],
    ['small', 'mid', 'big'],
  ],
  // An empty query lets every host through.
  [[], ['small', 'mid', 'big']],
];

for (const [query, passes] of table) {
  test(`JsonFilter ${JSON.stringify(query)} passes ${passes.join(', ') || 'no host'}`, () => {
    assert.deepEqual(run(query).passed, passes);
  });
}

test('without a query hint every host passes', () => {
  assert.equal(runFilters(hosts, makeSpec(), ['JsonFilter']).trace[0]!.end, 3);
});

test("a rejection shows the query and the host's values of its variables", () => {
  const entry = run(['and', ['>=', '$free_ram_mb', 2048], ['=', '$host', 'big']]);
  assert.deepEqual(reasonsOnly(entry.rejected)[0], {
    host: 'small',
    reason: 'query ["and",[">=","$free_ram_mb",2048],["=","$host","big"]] is false for this host ($free_ram_mb = 1024, $host = "small")',
  });
});

test('a query that is not JSON or names an unknown command rejects every host with the reason', () => {
  assert.match(run('[">=", "$free_ram_mb"').rejected[0]!.reason, /^the query hint is not JSON/);
  assert.equal(run(['~', '$host', 'a']).rejected[0]!.reason, 'query ["~","$host","a"]: unknown command "~"');
});

test('comparing a string with a number (a TypeError in Nova) rejects with the values', () => {
  assert.equal(run(['<', '$host', 5]).rejected[0]!.reason, 'query ["<","$host",5]: cannot compare "small" < 5 (string with number)');
});
