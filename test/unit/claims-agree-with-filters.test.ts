// The conductor's claim and the scheduler's RamFilter, CoreFilter and DiskFilter answer
// "does this flavor fit on this host?" from one arithmetic (backend/shared/capacity.ts), as
// Nova did before Placement (Stein): each enabled resource filter passes or refuses the host
// and sets its limit (memory_mb, vcpu, disk_gb); the claim enforces exactly those limits.
// This table runs the same compute nodes, usage and flavors through both paths as the lab
// does (the conductor's host states into the filters, the decision's limits into the
// conductor's claim), with Nova's expected verdict of each filter, the limits, and the claim
// written out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComputeNode, Flavor, Instance } from '../../contract/model.js';
import { buildHostStates, claimRefusal, usageByHost } from '../../backend/conductor/usage.js';
import { filtersFor } from '../../backend/scheduler/filters/index.js';
import { hostLimits } from '../../backend/scheduler/select-destinations.js';
import type { ResourceLimits } from '../../contract/scheduler.js';
import type { FilterName } from '../../contract/scheduler-names.js';
import { makeFlavor, makeSpec, verdictText } from '../../backend/scheduler/test-fixtures.js';

const node = (over: Partial<ComputeNode>): ComputeNode => ({
  host: 'h',
  hypervisor_hostname: 'h',
  id: 1,
  uuid: 'u',
  availability_zone: 'nova',
  vcpus: 4,
  memory_mb: 4096,
  local_gb: 40,
  vcpus_used: 0,
  memory_mb_used: 0,
  local_gb_used: 0,
  running_vms: 0,
  hypervisor_type: 'QEMU',
  hypervisor_version: 7002000,
  cpu_info: {},
  supported_instances: [['x86_64', 'qemu', 'hvm']],
  capabilities: {},
  aggregates: [],
  metrics: {},
  accelerator: 'tcg',
  accelerator_reason: '',
  cpu_allocation_ratio: 1,
  ram_allocation_ratio: 1,
  disk_allocation_ratio: 1,
  updated_at: new Date().toISOString(),
  ...over,
});
const flavor = (vcpus: number, ram: number, disk: number, swap = 0, ephemeral = 0): Flavor =>
  makeFlavor({ vcpus, ram, disk, swap, ephemeral });
const running = (host: string, f: Flavor, n: number): Instance[] =>
  Array.from({ length: n }, (_, i) => ({ uuid: `${host}-${i}`, host, vm_state: 'active', flavor: f }) as Instance);

type Verdicts = Partial<Record<'RamFilter' | 'CoreFilter' | 'DiskFilter', boolean>>;
interface Row {
  what: string;
  node: ComputeNode;
  existing: Instance[];
  flavor: Flavor;
  /** The resource filters enabled in nova.conf (default: all three). */
  enabled?: FilterName[];
  /** Nova's verdict of each enabled filter. */
  filters: Verdicts;
  /** The limits the filters set when every one passes (Nova's host_state.limits). */
  limits?: ResourceLimits;
}
const ALL: Verdicts = { RamFilter: true, CoreFilter: true, DiskFilter: true };
const rows: Row[] = [
  {
    what: 'an empty host and a small flavor',
    node: node({}),
    existing: [],
    flavor: flavor(1, 512, 1),
    filters: ALL,
    limits: { memory_mb: 4096, vcpu: 4, disk_gb: 40 },
  },
  {
    what: 'more vCPUs than the host has, even at ratio 16',
    node: node({ cpu_allocation_ratio: 16 }),
    existing: [],
    flavor: flavor(8, 512, 1),
    filters: { ...ALL, CoreFilter: false },
  },
  {
    what: 'more RAM than the host has, even at ratio 4',
    node: node({ ram_allocation_ratio: 4 }),
    existing: [],
    flavor: flavor(1, 8192, 1),
    filters: { ...ALL, RamFilter: false },
  },
  {
    what: 'more disk than the host has, even at ratio 2 (Stein DiskFilter: no overcommit against itself)',
    node: node({ local_gb: 10, disk_allocation_ratio: 2 }),
    existing: [],
    flavor: flavor(1, 64, 15),
    filters: { ...ALL, DiskFilter: false },
  },
  {
    what: 'disk overcommitted against others at ratio 2',
    node: node({ local_gb: 10, disk_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 8), 1),
    flavor: flavor(1, 64, 8),
    filters: ALL,
    limits: { memory_mb: 4096, vcpu: 4, disk_gb: 20 },
  },
  {
    what: 'disk beyond ratio 2',
    node: node({ local_gb: 10, disk_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 8), 2),
    flavor: flavor(1, 64, 5),
    filters: { ...ALL, DiskFilter: false },
  },
  {
    what: 'a host reporting 0 vCPUs (Nova lets it pass CoreFilter, which sets no vcpu limit)',
    node: node({ vcpus: 0 }),
    existing: [],
    flavor: flavor(2, 512, 1),
    filters: ALL,
    limits: { memory_mb: 4096, disk_gb: 40 },
  },
  {
    what: 'the ninth vCPU on a 4-vCPU host at ratio 2',
    node: node({ cpu_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 0), 8),
    flavor: flavor(1, 64, 0),
    filters: { ...ALL, CoreFilter: false },
  },
  {
    what: 'the eighth vCPU on a 4-vCPU host at ratio 2',
    node: node({ cpu_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 0), 7),
    flavor: flavor(1, 64, 0),
    filters: ALL,
    limits: { memory_mb: 4096, vcpu: 8, disk_gb: 40 },
  },
  {
    what: 'RAM overcommitted by others at ratio 1.5',
    node: node({ ram_allocation_ratio: 1.5 }),
    existing: running('h', flavor(1, 2048, 0), 2),
    flavor: flavor(1, 2048, 0),
    filters: ALL,
    limits: { memory_mb: 6144, vcpu: 4, disk_gb: 40 },
  },
  {
    what: 'RAM beyond ratio 1.5',
    node: node({ ram_allocation_ratio: 1.5 }),
    existing: running('h', flavor(1, 2048, 0), 3),
    flavor: flavor(1, 2048, 0),
    filters: { ...ALL, RamFilter: false },
  },
  {
    what: 'root + swap filling the disk to the MB',
    node: node({ local_gb: 10 }),
    existing: [],
    flavor: flavor(1, 64, 9, 1024),
    filters: ALL,
    limits: { memory_mb: 4096, vcpu: 4, disk_gb: 10 },
  },
  {
    what: 'root + swap one MB over the disk',
    node: node({ local_gb: 10 }),
    existing: [],
    flavor: flavor(1, 64, 9, 1025),
    filters: { ...ALL, DiskFilter: false },
  },
  {
    what: "others' swap is not counted as used disk (root + ephemeral only)",
    node: node({ local_gb: 10 }),
    existing: running('h', flavor(1, 64, 0, 4096), 1),
    flavor: flavor(1, 64, 10),
    filters: ALL,
    limits: { memory_mb: 4096, vcpu: 4, disk_gb: 10 },
  },
  {
    what: "others' ephemeral disk is counted",
    node: node({ local_gb: 10 }),
    existing: running('h', flavor(1, 64, 0, 0, 1), 1),
    flavor: flavor(1, 64, 10),
    filters: { ...ALL, DiskFilter: false },
  },
  {
    what: 'RAM full but RamFilter not enabled: no memory limit, so the claim does not check RAM',
    node: node({}),
    existing: running('h', flavor(1, 4096, 0), 2),
    flavor: flavor(1, 2048, 1),
    enabled: ['CoreFilter', 'DiskFilter'],
    filters: { CoreFilter: true, DiskFilter: true },
    limits: { vcpu: 4, disk_gb: 40 },
  },
  {
    what: 'no resource filter enabled: no limits, the claim checks nothing',
    node: node({}),
    existing: running('h', flavor(4, 4096, 40), 2),
    flavor: flavor(2, 2048, 10),
    enabled: [],
    filters: {},
    limits: {},
  },
];

const usedOn = (usage: ReturnType<typeof usageByHost>) => usage.get('h') ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] };

for (const row of rows) {
  const enabled = row.enabled ?? (['RamFilter', 'CoreFilter', 'DiskFilter'] as FilterName[]);
  const passes = Object.values(row.filters).every(Boolean);
  test(`filters, limits and claim as Nova: ${row.what} ${passes ? 'passes' : 'is refused'}`, () => {
    const usage = usageByHost(row.existing);
    const [state] = buildHostStates([row.node], [], usage, Date.now(), 60);
    const spec = makeSpec({ flavor: row.flavor });
    const verdicts = Object.fromEntries(filtersFor(enabled).map((f) => [f.name, verdictText(f.check(state!, spec)) === true]));
    assert.deepEqual(verdicts, row.filters, 'each filter');
    if (!passes) return;
    const limits = hostLimits(state!, spec, enabled);
    assert.deepEqual(limits, row.limits, 'the limits the filters set');
    // The claim on the same usage, under the decision's limits, accepts what the filters passed.
    assert.equal(claimRefusal(row.node, usedOn(usage), row.flavor, limits), null, 'the claim');
  });
}

test('a forced host skips the filters, sets no limits, and its claim checks nothing (Nova: force_hosts)', () => {
  const full = node({});
  const usage = usageByHost(running('h', flavor(4, 4096, 40), 1));
  const [state] = buildHostStates([full], [], usage, Date.now(), 60);
  const spec = makeSpec({ flavor: flavor(4, 4096, 40), force_host: 'H' });
  assert.deepEqual(hostLimits(state!, spec, ['RamFilter', 'CoreFilter', 'DiskFilter']), {});
  assert.equal(claimRefusal(full, usedOn(usage), spec.flavor, {}), null);
});

test("a claim under the decision's limits refuses when a concurrent claim took the room first, naming the numbers", () => {
  const n = node({ ram_allocation_ratio: 1.5 });
  const [state] = buildHostStates([n], [], usageByHost([]), Date.now(), 60);
  const spec = makeSpec({ flavor: flavor(1, 4096, 1) });
  const limits = hostLimits(state!, spec, ['RamFilter', 'CoreFilter', 'DiskFilter']);
  assert.deepEqual(limits, { memory_mb: 6144, vcpu: 4, disk_gb: 40 });
  // Between the decision and the claim, another create took 4096 MB of the 6144 MB limit.
  const now = usedOn(usageByHost(running('h', flavor(1, 4096, 1), 1)));
  assert.equal(claimRefusal(n, now, spec.flavor, limits), 'h: free memory 2048 MB < 4096 MB requested (limit 6144 MB − 4096 MB used)');
});
