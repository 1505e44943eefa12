import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCapabilitiesFilter } from './compute-capabilities-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const host = makeHost({
  hypervisor_type: 'QEMU',
  vcpus: 8,
  cpu_allocation_ratio: 16,
  capabilities: { ssd: 'true', numa: '{"nodes": 2}' },
  cpu_info: {
    arch: 'x86_64',
    vendor: 'Intel',
    model: 'Skylake-Client',
    topology: { sockets: 1, cores: 8, threads: 1 },
    features: ['avx', 'avx2'],
  },
});
const check = (extra_specs: Record<string, string>) =>
  verdictText(computeCapabilitiesFilter.check(host, makeSpec({ flavor: { extra_specs } })));

const cases: [string, Record<string, string>, true | RegExp][] = [
  ['passes a flavor with no extra specs', {}, true],
  ['matches a capabilities-scoped key against the host capabilities', { 'capabilities:ssd': 'true' }, true],
  [
    'rejects a capability with another value',
    { 'capabilities:ssd': 'false' },
    /capabilities:ssd="false" does not match the host's value "true"/,
  ],
  ['matches a host-state field (hypervisor_type)', { 'capabilities:hypervisor_type': 's== QEMU' }, true],
  ['matches a numeric host-state field with an operator', { 'capabilities:vcpus': '>= 8' }, true],
  ["matches Nova's name vcpus_total", { 'capabilities:vcpus_total': '= 4' }, true],
  ['shows floats the Python way', { 'capabilities:cpu_allocation_ratio': '16.0' }, true],
  ["reads the host's cpu_info (Nova's HostState.cpu_info)", { 'capabilities:cpu_info:arch': 'x86_64' }, true],
  [
    'rejects another cpu_info arch, naming the value',
    { 'capabilities:cpu_info:arch': 'aarch64' },
    /capabilities:cpu_info:arch="aarch64" does not match the host's value "x86_64"/,
  ],
  ['walks nested cpu_info dicts by ":" path', { 'capabilities:cpu_info:topology:cores': '>= 8' }, true],
  ['matches cpu_info vendor with s==', { 'capabilities:cpu_info:vendor': 's== Intel' }, true],
  ['descends into a JSON string capability with nested keys', { 'capabilities:numa:nodes': '2' }, true],
  ['matches <in> against a nested list', { 'capabilities:cpu_info:features': '<in> avx2' }, true],
  [
    'rejects a scoped capability the host lacks',
    { 'capabilities:gpu': 'true' },
    /capabilities:gpu="true": the host has no capability "gpu"/,
  ],
  ['checks an unscoped key the host has', { ssd: 'false' }, /ssd="false" does not match/],
  ['ignores an unscoped key the host lacks', { gpu: 'true' }, true],
  ['ignores an unscoped key named like an Object method', { constructor: 'x', toString: 'y' }, true],
  ["reads Nova's stats as the host capabilities", { 'capabilities:stats:ssd': 'true' }, true],
  ['ignores keys in other scopes', { 'hw:cpu_policy': 'dedicated', 'aggregate_instance_extra_specs:x': 'y' }, true],
];

for (const [name, specs, expected] of cases) {
  test(name, () => {
    const verdict = check(specs);
    if (expected === true) assert.equal(verdict, true);
    else assert.match(String(verdict), expected);
  });
}
