// "capabilities:cpu_info:*" extra specs read the host's cpu_info (Nova's HostState.cpu_info,
// walked by ComputeCapabilitiesFilter along the ":" path). The whole path is exercised: a
// lab host's report (nova-compute, fake driver) → the conductor's compute node → the
// scheduler's host state → the filter, with Nova's verdict for each host written out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComputeNode, LabHost } from '../../contract/model.js';
import { nodeReport } from '../../backend/compute/host-inventory.js';
import { FakeDriver } from '../../backend/compute/drivers/fake/fake-driver.js';
import { buildHostStates } from '../../backend/conductor/usage.js';
import { computeCapabilitiesFilter } from '../../backend/scheduler/filters/compute-capabilities-filter.js';
import { makeSpec, verdictText } from '../../backend/scheduler/test-fixtures.js';

const labHost = (name: string, architectures: string[]): LabHost => ({
  name,
  vcpus: 4,
  memory_mb: 4096,
  disk_gb: 40,
  availability_zone: 'nova',
  capabilities: {},
  architectures,
  hypervisor_types: ['qemu'],
  aggregates: [],
  metrics: {},
});

async function hostStates() {
  const hosts = [labHost('x86-a', ['x86_64']), labHost('arm-a', ['aarch64']), labHost('x86-b', ['x86_64', 'aarch64'])];
  const nodes: ComputeNode[] = [];
  for (const [i, h] of hosts.entries()) {
    const report = await new FakeDriver().init({ host: h.name } as Parameters<FakeDriver['init']>[0]);
    const n = nodeReport(h, report, { cpu: 16, ram: 1.5, disk: 1 });
    nodes.push({ ...n, id: i + 1, uuid: `u${i}`, vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0, running_vms: 0, updated_at: '' });
  }
  return buildHostStates(nodes, [], new Map(), Date.now(), 60);
}

const rows: [spec: Record<string, string>, passing: string[]][] = [
  [{ 'capabilities:cpu_info:arch': 'x86_64' }, ['x86-a', 'x86-b']],
  [{ 'capabilities:cpu_info:arch': 'aarch64' }, ['arm-a']],
  [{ 'capabilities:cpu_info:arch': '<in> 86' }, ['x86-a', 'x86-b']],
  [{ 'capabilities:cpu_info:vendor': 's== novalab' }, ['x86-a', 'arm-a', 'x86-b']],
  [{ 'capabilities:cpu_info:topology:cores': '>= 4' }, ['x86-a', 'arm-a', 'x86-b']],
  [{ 'capabilities:cpu_info:topology:cores': '>= 5' }, []],
  [{ 'capabilities:cpu_info:arch': 'x86_64', 'capabilities:hypervisor_type': 's== fake' }, ['x86-a', 'x86-b']],
  [{ 'capabilities:hypervisor_hostname': 's== arm-a' }, ['arm-a']],
  [{ 'capabilities:cpu_info:nothing': 'x' }, []],
];

for (const [extra_specs, passing] of rows) {
  test(`ComputeCapabilitiesFilter ${JSON.stringify(extra_specs)} passes ${passing.join(', ') || 'no host'}`, async () => {
    const spec = makeSpec({ flavor: { extra_specs } });
    const verdicts = (await hostStates()).map((h) => [h.host, verdictText(computeCapabilitiesFilter.check(h, spec))] as const);
    assert.deepEqual(
      verdicts.filter(([, v]) => v === true).map(([h]) => h),
      passing,
    );
  });
}

test('a host whose cpu_info arch differs is refused with the value named', async () => {
  const arm = (await hostStates()).find((h) => h.host === 'arm-a')!;
  const verdict = verdictText(
    computeCapabilitiesFilter.check(arm, makeSpec({ flavor: { extra_specs: { 'capabilities:cpu_info:arch': 'x86_64' } } })),
  );
  assert.equal(verdict, 'flavor extra spec capabilities:cpu_info:arch="x86_64" does not match the host\'s value "aarch64"');
});
