import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterSummary, noValidHostMessage, runFilters } from './host-filter-handler.js';
import { makeHost, makeSpec } from './test-fixtures.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';

const hosts = [
  makeHost({ host: 'host-a', vcpus: 4, cpu_allocation_ratio: 2, vcpus_used: 8 }),
  makeHost({ host: 'host-b', memory_mb: 1024 }),
  makeHost({ host: 'host-c', service: { disabled: true, disabled_reason: 'repairs' } }),
  makeHost({ host: 'host-d' }),
];

test('records start and end counts, passed hosts and reasons per filter, in order', () => {
  const run = runFilters(hosts, makeSpec(), ['RamFilter', 'ComputeFilter', 'CoreFilter']);
  assert.deepEqual(run.trace.map(filterSummary), [
    'RamFilter: (start: 4, end: 3)',
    'ComputeFilter: (start: 3, end: 2)',
    'CoreFilter: (start: 2, end: 1)',
  ]);
  assert.deepEqual(run.trace[0]!.passed, ['host-a', 'host-c', 'host-d']);
  assert.equal(run.trace[0]!.rejected[0]!.host, 'host-b');
  assert.match(run.trace[1]!.rejected[0]!.reason, /repairs/);
  assert.deepEqual(
    run.passed.map((h) => h.host),
    ['host-d'],
  );
  assert.equal(run.emptiedBy, null);
});

test('stops at the filter that empties the list and names it', () => {
  const run = runFilters(hosts.slice(0, 1), makeSpec(), DEFAULT_FILTERS);
  assert.equal(run.emptiedBy, 'CoreFilter');
  assert.equal(run.trace.at(-1)?.name, 'CoreFilter');
  assert.deepEqual(run.passed, []);
});

test('a 4-vCPU host at ratio 2.0 refuses the 9th vCPU with CoreFilter named in NoValidHost', () => {
  const run = runFilters(hosts.slice(0, 1), makeSpec({ flavor: { vcpus: 1 } }), DEFAULT_FILTERS);
  assert.equal(
    noValidHostMessage(run),
    'No valid host was found. There are not enough hosts available. CoreFilter rejected every remaining host: ' +
      'host-a: 4 vCPUs × ratio 2.0 = 8 usable, 8 used, 1 requested.',
  );
});

test("the NoValidHost message gives each host's reason and what earlier filters removed", () => {
  const spec = makeSpec({ flavor: { vcpus: 1 } });
  const busy = hosts.map((h) => ({ ...h, vcpus: 1, cpu_allocation_ratio: 1, vcpus_used: 1 }));
  const message = noValidHostMessage(runFilters(busy, spec, ['RamFilter', 'ComputeFilter', 'CoreFilter']));
  assert.match(message, /CoreFilter rejected every remaining host: host-a: 1 vCPU × ratio 1.0 = 1 usable, 1 used, 1 requested; host-d: /);
  assert.match(message, /Before it, RamFilter removed host-b; ComputeFilter removed host-c\.$/);
});

test('says so when no host is known at all', () => {
  const run = runFilters([], makeSpec(), DEFAULT_FILTERS);
  assert.equal(run.emptiedBy, null);
  assert.deepEqual(run.trace, []);
  assert.match(noValidHostMessage(run), /No compute host is known to the scheduler/);
});

test('skips once-per-request filters for the second instance of a request', () => {
  const run = runFilters(hosts, makeSpec(), ['ComputeFilter'], { instanceIndex: 1 });
  assert.equal(run.trace[0]!.end, 4);
});

test('refuses an unknown filter name', () => {
  assert.throws(() => runFilters(hosts, makeSpec(), ['MagicFilter']), /MagicFilter/);
});
