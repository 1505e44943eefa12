import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFilters } from '../host-filter-handler.js';
import { DEFAULT_FILTER_OPTIONS } from './types.js';
import { makeHost, makeSpec, reasonsOnly } from '../test-fixtures.js';
import { hasPart } from './aggregate-isolation-filters.js';

const agg = (name: string, metadata: Record<string, string>) => ({ name, metadata });

test('AggregateImagePropertiesIsolation: an image property must be one of the aggregate values of the same key', () => {
  const hosts = [
    makeHost({ host: 'windows', aggregates: [agg('win', { os_distro: 'windows, windows2019' })] }),
    makeHost({ host: 'linux', aggregates: [agg('lin', { os_distro: 'debian' })] }),
    makeHost({ host: 'plain', aggregates: [] }),
    makeHost({ host: 'other-key', aggregates: [agg('ssd', { ssd: 'true' })] }),
  ];
  // Nova: a property the image lacks is not compared; a host in no aggregate passes.
  const table: [props: Record<string, string>, passes: string[]][] = [
    [{}, ['windows', 'linux', 'plain', 'other-key']],
    [{ os_distro: 'windows2019' }, ['windows', 'plain', 'other-key']],
    [{ os_distro: 'debian' }, ['linux', 'plain', 'other-key']],
    [{ os_distro: 'ubuntu' }, ['plain', 'other-key']],
  ];
  for (const [properties, passes] of table) {
    const entry = runFilters(hosts, makeSpec({ image: { properties } }), ['AggregateImagePropertiesIsolation']).trace[0]!;
    assert.deepEqual(entry.passed, passes, JSON.stringify(properties));
  }
  const entry = runFilters(hosts, makeSpec({ image: { properties: { os_distro: 'ubuntu' } } }), ['AggregateImagePropertiesIsolation'])
    .trace[0]!;
  assert.deepEqual(reasonsOnly(entry.rejected)[0], {
    host: 'windows',
    reason: 'image property os_distro="ubuntu" is not among the host\'s aggregate values os_distro="windows", "windows2019"',
  });
});

test('AggregateImagePropertiesIsolation: with a namespace and separator, only keys in it are compared', () => {
  const hosts = [makeHost({ host: 'h', aggregates: [agg('a', { hw_architecture: 'aarch64', os_distro: 'debian' })] })];
  const opts = {
    ...DEFAULT_FILTER_OPTIONS,
    aggregate_image_properties_isolation_namespace: 'os',
    aggregate_image_properties_isolation_separator: '_',
  };
  const run = (properties: Record<string, string>) =>
    runFilters(hosts, makeSpec({ image: { properties } }), ['AggregateImagePropertiesIsolation'], { filterOptions: opts }).passed.length;
  assert.equal(run({ architecture: 'x86_64', os_distro: 'debian' }), 1, 'hw_architecture is outside the os_ namespace');
  assert.equal(run({ architecture: 'x86_64', os_distro: 'ubuntu' }), 0);
});

test('AggregateImagePropertiesIsolation sees the properties Nova knows: legacy names mapped, custom ones invisible', () => {
  const hosts = [makeHost({ host: 'h', aggregates: [agg('a', { hw_architecture: 'aarch64', tier: 'gold' })] })];
  const run = (properties: Record<string, string>) =>
    runFilters(hosts, makeSpec({ image: { properties } }), ['AggregateImagePropertiesIsolation']).trace[0]!;
  assert.equal(run({ tier: 'silver' }).end, 1, 'tier is no ImageMetaProps field: Nova never compares it');
  assert.deepEqual(reasonsOnly(run({ architecture: 'x86_64' }).rejected), [
    { host: 'h', reason: 'image property hw_architecture="x86_64" is not among the host\'s aggregate values hw_architecture="aarch64"' },
  ]);
  assert.equal(run({ architecture: 'x86_64', hw_architecture: 'aarch64' }).end, 1, 'the current name wins over the legacy one');
});

test('AggregateTypeAffinityFilter: hosts in instance_type aggregates take only the flavors listed', () => {
  const hosts = [
    makeHost({ host: 'small-only', aggregates: [agg('s', { instance_type: 'm1.tiny, m1.small' })] }),
    makeHost({ host: 'large-only', aggregates: [agg('l', { instance_type: 'm1.large' })] }),
    makeHost({ host: 'any' }),
  ];
  const run = (name: string) => runFilters(hosts, makeSpec({ flavor: { name } }), ['AggregateTypeAffinityFilter']).trace[0]!;
  assert.deepEqual(run('m1.small').passed, ['small-only', 'any']);
  assert.deepEqual(run('m1.large').passed, ['large-only', 'any']);
  assert.deepEqual(run('m1.xlarge').passed, ['any']);
  assert.deepEqual(reasonsOnly(run('m1.large').rejected), [
    { host: 'small-only', reason: 'flavor m1.large is not in the host\'s aggregate instance_type s: "m1.tiny, m1.small"' },
  ]);
});

test('AggregateMultiTenancyIsolation: hosts in filter_tenant_id aggregates take only those projects', () => {
  const hosts = [
    makeHost({ host: 'for-a-and-b', aggregates: [agg('ab', { filter_tenant_id: 'proj-a,proj-b' })] }),
    makeHost({ host: 'for-c', aggregates: [agg('c', { filter_tenant_id: 'proj-c' }), agg('ssd', { ssd: 'true' })] }),
    makeHost({ host: 'shared', aggregates: [agg('ssd', { ssd: 'true' })] }),
  ];
  const run = (project_id: string) => runFilters(hosts, makeSpec({ project_id }), ['AggregateMultiTenancyIsolation']).trace[0]!;
  assert.deepEqual(run('proj-a').passed, ['for-a-and-b', 'shared']);
  assert.deepEqual(run('proj-c').passed, ['for-c', 'shared']);
  assert.deepEqual(run('proj-z').passed, ['shared']);
  assert.deepEqual(reasonsOnly(run('proj-c').rejected), [
    { host: 'for-a-and-b', reason: 'project proj-c is not in the host\'s aggregate filter_tenant_id "proj-a", "proj-b"' },
  ]);
});

test('AllHostsFilter passes every host', () => {
  const hosts = [makeHost({ host: 'a', service: { up: false } }), makeHost({ host: 'b' })];
  assert.deepEqual(runFilters(hosts, makeSpec(), ['AllHostsFilter']).trace[0]!.passed, ['a', 'b']);
});

test('a metadata value "a, b" holds the parts "a" and "b", trimmed, and nothing else', () => {
  const table: [value: string, wanted: string, has: boolean][] = [
    ['m1.small', 'm1.small', true],
    ['m1.tiny, m1.small', 'm1.small', true],
    [' m1.small ,m1.tiny', 'm1.small', true],
    ['m1.smaller, m1.tiny', 'm1.small', false],
    ['xm1.small', 'm1.small', false],
    ['m1.tiny,,', '', true],
    ['m1.tiny', '', false],
  ];
  for (const [value, wanted, has] of table) assert.equal(hasPart(value, wanted), has, `${value} ∋ ${wanted}`);
});
