import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCapabilitiesFilter } from './compute-capabilities-filter.js';
import { makeHost, makeSpec } from '../test-fixtures.js';

const host = makeHost({
  hypervisor_type: 'QEMU',
  vcpus: 8,
  cpu_allocation_ratio: 16,
  capabilities: { ssd: 'true', cpu_info: '{"arch": "x86_64", "features": ["avx", "avx2"]}' },
});
const check = (extra_specs: Record<string, string>) => computeCapabilitiesFilter.check(host, makeSpec({ flavor: { extra_specs } }));

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
  ['descends into a JSON capability with nested keys', { 'capabilities:cpu_info:arch': 'x86_64' }, true],
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
