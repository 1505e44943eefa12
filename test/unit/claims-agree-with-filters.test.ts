// The conductor's claim and the scheduler's RamFilter, CoreFilter and DiskFilter answer
// "does this flavor fit on this host?" from one arithmetic (backend/shared/capacity.ts). This
// table runs the same compute nodes, usage and flavors through both paths as the lab does:
// the conductor's host states into the filters, and the conductor's claim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComputeNode, Flavor, Instance } from '../../contract/model.js';
import { buildHostStates, claimRefusal, usageByHost } from '../../backend/conductor/usage.js';
import { filtersFor } from '../../backend/scheduler/filters/index.js';
import { makeFlavor, makeSpec } from '../../backend/scheduler/test-fixtures.js';

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

interface Row {
  what: string;
  node: ComputeNode;
  existing: Instance[];
  flavor: Flavor;
  fits: boolean;
}
const rows: Row[] = [
  { what: 'an empty host and a small flavor', node: node({}), existing: [], flavor: flavor(1, 512, 1), fits: true },
  {
    what: 'more vCPUs than the host has, even at ratio 16',
    node: node({ cpu_allocation_ratio: 16 }),
    existing: [],
    flavor: flavor(8, 512, 1),
    fits: false,
  },
  {
    what: 'more RAM than the host has, even at ratio 4',
    node: node({ ram_allocation_ratio: 4 }),
    existing: [],
    flavor: flavor(1, 8192, 1),
    fits: false,
  },
  {
    what: 'a host reporting 0 vCPUs (Nova lets it pass CoreFilter)',
    node: node({ vcpus: 0 }),
    existing: [],
    flavor: flavor(2, 512, 1),
    fits: true,
  },
  {
    what: 'the ninth vCPU on a 4-vCPU host at ratio 2',
    node: node({ cpu_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 0), 8),
    flavor: flavor(1, 64, 0),
    fits: false,
  },
  {
    what: 'the eighth vCPU on a 4-vCPU host at ratio 2',
    node: node({ cpu_allocation_ratio: 2 }),
    existing: running('h', flavor(1, 64, 0), 7),
    flavor: flavor(1, 64, 0),
    fits: true,
  },
  {
    what: 'RAM overcommitted by others at ratio 1.5',
    node: node({ ram_allocation_ratio: 1.5 }),
    existing: running('h', flavor(1, 2048, 0), 2),
    flavor: flavor(1, 2048, 0),
    fits: true,
  },
  {
    what: 'RAM beyond ratio 1.5',
    node: node({ ram_allocation_ratio: 1.5 }),
    existing: running('h', flavor(1, 2048, 0), 3),
    flavor: flavor(1, 2048, 0),
    fits: false,
  },
  {
    what: 'root + swap filling the disk to the MB',
    node: node({ local_gb: 10 }),
    existing: [],
    flavor: flavor(1, 64, 9, 1024),
    fits: true,
  },
  { what: 'root + swap one MB over the disk', node: node({ local_gb: 10 }), existing: [], flavor: flavor(1, 64, 9, 1025), fits: false },
  {
    what: 'swap of others rounded up to whole GB',
    node: node({ local_gb: 10 }),
    existing: running('h', flavor(1, 64, 0, 1), 1),
    flavor: flavor(1, 64, 10),
    fits: false,
  },
  {
    what: 'disk larger than the host at ratio 2 (filters let it overcommit)',
    node: node({ local_gb: 10, disk_allocation_ratio: 2 }),
    existing: [],
    flavor: flavor(1, 64, 15),
    fits: true,
  },
];

const resourceFilters = filtersFor(['RamFilter', 'CoreFilter', 'DiskFilter']);

for (const row of rows) {
  test(`claim and filters agree: ${row.what} ${row.fits ? 'fits' : 'does not fit'}`, () => {
    const usage = usageByHost(row.existing);
    const [state] = buildHostStates([row.node], [], usage, Date.now(), 60);
    const spec = makeSpec({ flavor: row.flavor });
    const filtersPass = resourceFilters.every((f) => f.check(state!, spec) === true);
    const claimPasses = claimRefusal(row.node, usage.get('h') ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] }, row.flavor) === null;
    assert.equal(filtersPass, row.fits, 'the filters');
    assert.equal(claimPasses, row.fits, 'the claim');
  });
}
