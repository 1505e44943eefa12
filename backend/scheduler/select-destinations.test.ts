import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alternates, clampSubsetSize, selectHost, type SelectHostOptions } from './select-destinations.js';
import { DEFAULT_WEIGHER_OPTIONS } from './weighers/types.js';
import { makeHost, makeSpec, sequenceRandom } from './test-fixtures.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';

const hosts = [
  makeHost({ host: 'host-a', memory_mb_used: 1024 }),
  makeHost({ host: 'host-b', memory_mb_used: 0 }),
  makeHost({ host: 'host-c', memory_mb_used: 2048 }),
  makeHost({ host: 'host-d', service: { up: false } }),
];
const options = (over: Partial<SelectHostOptions> = {}): SelectHostOptions => ({
  filters: DEFAULT_FILTERS,
  weighers: ['RAMWeigher'],
  weigherOptions: DEFAULT_WEIGHER_OPTIONS,
  subsetSize: 1,
  random: () => 0,
  request_id: 'req-1',
  attempt: 1,
  now: () => new Date('2024-01-01T00:00:00Z'),
  ...over,
});

test('chooses the best-weighed host and explains every step', () => {
  const trace = selectHost(hosts, makeSpec(), options());
  assert.equal(trace.chosen, 'host-b');
  assert.deepEqual(trace.hosts, ['host-a', 'host-b', 'host-c', 'host-d']);
  assert.deepEqual(
    trace.filters.map((f) => [f.name, f.start, f.end]),
    [
      ['RetryFilter', 4, 4],
      ['AvailabilityZoneFilter', 4, 4],
      ['RamFilter', 4, 4],
      ['ComputeFilter', 4, 3],
      ['ComputeCapabilitiesFilter', 3, 3],
      ['ImagePropertiesFilter', 3, 3],
      ['CoreFilter', 3, 3],
    ],
  );
  assert.deepEqual(
    trace.ranking.map((r) => r.host),
    ['host-b', 'host-a', 'host-c'],
  );
  assert.deepEqual(trace.subset, ['host-b']);
  assert.equal(trace.started_at, '2024-01-01T00:00:00.000Z');
  assert.equal(trace.error, null);
  assert.equal(trace.emptied_by, null);
});

test('subset size 2 picks among the top two by the injected random', () => {
  const low = selectHost(hosts, makeSpec(), options({ subsetSize: 2, random: () => 0.2 }));
  const high = selectHost(hosts, makeSpec(), options({ subsetSize: 2, random: () => 0.7 }));
  assert.deepEqual(low.subset, ['host-b', 'host-a']);
  assert.equal(low.chosen, 'host-b');
  assert.equal(high.chosen, 'host-a');
  const picks = new Set<string | null>();
  const random = sequenceRandom(0, 0.3, 0.6, 0.99);
  for (let i = 0; i < 4; i++) picks.add(selectHost(hosts, makeSpec(), options({ subsetSize: 2, random })).chosen);
  assert.deepEqual([...picks].sort(), ['host-a', 'host-b']);
});

test('clamps the subset size to 1..number of hosts', () => {
  assert.equal(clampSubsetSize(0, 5), 1);
  assert.equal(clampSubsetSize(-3, 5), 1);
  assert.equal(clampSubsetSize(10, 3), 3);
  assert.equal(selectHost(hosts, makeSpec(), options({ subsetSize: 99, random: () => 0.999 })).subset_size, 3);
});

test("reports NoValidHost with the emptying filter and each host's reason", () => {
  const trace = selectHost(hosts, makeSpec({ flavor: { ram: 8192 } }), options());
  assert.equal(trace.chosen, null);
  assert.equal(trace.emptied_by, 'RamFilter');
  assert.match(String(trace.error), /^No valid host was found\. .* RamFilter rejected every remaining host: host-a: .*; host-d: /);
  assert.deepEqual(trace.ranking, []);
  assert.deepEqual(trace.subset, []);
});

test('alternates are the ranking without the chosen host, best first', () => {
  const trace = selectHost(hosts, makeSpec(), options({ subsetSize: 2, random: () => 0.9 }));
  assert.equal(trace.chosen, 'host-a');
  assert.deepEqual(alternates(trace), ['host-b', 'host-c']);
});

test('a forced host skips the filters (as Nova), even a host that is down', () => {
  const trace = selectHost(hosts, makeSpec({ force_host: 'host-d' }), options());
  assert.equal(trace.chosen, 'host-d');
  assert.deepEqual(
    trace.filters.map((f) => [f.name, f.start, f.end]),
    [['force_host', 4, 1]],
  );
});

test("a rebuild's check forces the instance's host, then runs only the filters that judge an image", () => {
  const rebuild = { scheduler_hints: { _nova_check_type: ['rebuild'] } };
  // host-a is full (RamFilter would refuse a new boot) and host-d is down (ComputeFilter would):
  // neither matters to a rebuild, whose instance already holds its room and runs there.
  const full = [makeHost({ host: 'host-a', memory_mb: 2048, memory_mb_used: 4096 }), ...hosts.slice(1)];
  const fits = selectHost(full, makeSpec({ force_host: 'host-a', ...rebuild }), options());
  assert.equal(fits.chosen, 'host-a');
  assert.deepEqual(
    fits.filters.map((f) => [f.name, f.start, f.end]),
    [
      ['force_host', 4, 1],
      ['ImagePropertiesFilter', 1, 1],
    ],
  );
  assert.match(fits.filters[0]!.rejected[0]!.reason, /not the instance's host host-a/);
  assert.deepEqual(selectHost(hosts, makeSpec({ force_host: 'host-d', ...rebuild }), options()).chosen, 'host-d');

  const arm = selectHost(
    full,
    makeSpec({ force_host: 'host-a', image: { properties: { architecture: 'aarch64' } }, ...rebuild }),
    options(),
  );
  assert.equal(arm.chosen, null);
  assert.equal(arm.emptied_by, 'ImagePropertiesFilter');
  assert.match(String(arm.error), /^No valid host was found\..*ImagePropertiesFilter.*host-a.*aarch64/);
  // The same image forced without the check: the filters are skipped and it is placed.
  assert.equal(
    selectHost(full, makeSpec({ force_host: 'host-a', image: { properties: { architecture: 'aarch64' } } }), options()).chosen,
    'host-a',
  );
});

test('a forced host that does not exist is a NoValidHost naming it', () => {
  const trace = selectHost(hosts, makeSpec({ force_host: 'host-z' }), options());
  assert.equal(trace.chosen, null);
  assert.equal(trace.emptied_by, 'force_host');
  assert.match(String(trace.error), /forced host host-z is not one of the 4 compute hosts/);
});

test('a retry avoids the host that already failed', () => {
  const spec = makeSpec({ retry: { num_attempts: 2, hosts: ['host-b'] } });
  const trace = selectHost(hosts, spec, options({ attempt: 2 }));
  assert.equal(trace.chosen, 'host-a');
  assert.equal(trace.attempt, 2);
});

// Nova's _match_forced_hosts lowers both names: the forced host matches whatever its case.
const forcedCases: [forced: string, chosen: string | null][] = [
  ['host-d', 'host-d'],
  ['HOST-D', 'host-d'],
  ['Host-B', 'host-b'],
  ['host-dd', null],
  ['host', null],
];
for (const [forced, chosen] of forcedCases) {
  test(`force_host "${forced}" chooses ${chosen ?? 'nothing (NoValidHost)'}, with no limits for the claim`, () => {
    const trace = selectHost(hosts, makeSpec({ force_host: forced }), options());
    assert.equal(trace.chosen, chosen);
    assert.equal(trace.filters[0]!.end, chosen ? 1 : 0);
    if (chosen) assert.deepEqual(trace.limits, {});
    else assert.equal(trace.limits, undefined);
  });
}

test("the decision carries the limits the enabled resource filters set on the chosen host (Nova's Selection.limits)", () => {
  // host-b: 4 vCPUs × 16, 4096 MB × 1.5, 40 GB × 1.0.
  assert.deepEqual(selectHost(hosts, makeSpec(), options()).limits, { memory_mb: 6144, vcpu: 64 }, 'the defaults have no DiskFilter');
  const withDisk = options({ filters: [...DEFAULT_FILTERS, 'DiskFilter'] });
  assert.deepEqual(selectHost(hosts, makeSpec(), withDisk).limits, { memory_mb: 6144, vcpu: 64, disk_gb: 40 });
  const ramOnly = options({ filters: ['ComputeFilter', 'RamFilter'] });
  assert.deepEqual(selectHost(hosts, makeSpec(), ramOnly).limits, { memory_mb: 6144 });
  assert.deepEqual(selectHost(hosts, makeSpec(), options({ filters: ['ComputeFilter'] })).limits, {});
});

test('[metrics] required = true: a passing host without a weighed metric fails the request with ComputeHostMetricNotFound', () => {
  const metered = [makeHost({ host: 'm1', metrics: { load: 1 } }), makeHost({ host: 'm2', metrics: {} })];
  const weigherOptions = { ...DEFAULT_WEIGHER_OPTIONS, metrics_weight_setting: ['load=-1.0'] };
  const trace = selectHost(metered, makeSpec(), options({ weighers: ['MetricsWeigher'], weigherOptions }));
  assert.equal(trace.chosen, null);
  assert.match(trace.error!, /^MetricsWeigher: Metric load could not be found on the compute host node m2\.m2\./);
  assert.deepEqual(trace.filters.at(-1)!.passed, ['m1', 'm2'], 'the filters still explain themselves');
});

test('[metrics] required = false: the host without the metric gets weight_of_unavailable and loses', () => {
  const metered = [makeHost({ host: 'm1', metrics: {} }), makeHost({ host: 'm2', metrics: { load: 3 } })];
  const weigherOptions = { ...DEFAULT_WEIGHER_OPTIONS, metrics_weight_setting: ['load=-1.0'], metrics_required: false };
  const trace = selectHost(metered, makeSpec(), options({ weighers: ['MetricsWeigher'], weigherOptions }));
  assert.deepEqual({ ...trace.weighers[0]!.raw }, { m1: -10000, m2: -3 });
  assert.deepEqual({ ...trace.weighers[0]!.normalized }, { m1: 0, m2: 1 });
  assert.equal(trace.chosen, 'm2');
});
