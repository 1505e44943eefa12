import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimFits, hostCapacity, instanceDiskGb, type HostCapacity, type FlavorSize } from './claims.js';
import type { ComputeNode } from '../../contract/model.js';

const host = (over: Partial<HostCapacity> = {}): HostCapacity => ({
  vcpus: 4,
  vcpus_used: 0,
  memory_mb: 4096,
  memory_mb_used: 0,
  local_gb: 40,
  local_gb_used: 0,
  cpu_allocation_ratio: 16,
  ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1,
  ...over,
});
const flavor = (over: Partial<FlavorSize> = {}): FlavorSize => ({ vcpus: 1, ram: 1024, disk: 10, ephemeral: 0, swap: 0, ...over });

test('accepts a claim that fits every resource', () => {
  assert.equal(claimFits(host(), flavor()), true);
});

test('refuses a claim, naming every resource short of it', () => {
  const h = host({
    vcpus: 2,
    cpu_allocation_ratio: 1,
    vcpus_used: 2,
    memory_mb: 2048,
    memory_mb_used: 3000,
    local_gb: 10,
    local_gb_used: 5,
  });
  assert.match(String(claimFits(h, flavor())), /^vCPU: 2 vCPUs × ratio 1.0 = 2 usable, 2 used, 1 requested; RAM: .*; disk: /);
});

test('a 4-vCPU host at ratio 2.0 takes exactly 8 one-vCPU claims', () => {
  let used = 0;
  for (let i = 0; i < 50; i++) if (claimFits(host({ cpu_allocation_ratio: 2, vcpus_used: used }), flavor({ disk: 0 })) === true) used++;
  assert.equal(used, 8);
});

test('swap counts in the claim in MB and in the usage in whole GB', () => {
  const h = host({ local_gb: 20, local_gb_used: 10 });
  assert.equal(claimFits(h, flavor({ disk: 9, swap: 1024 })), true);
  assert.notEqual(claimFits(h, flavor({ disk: 9, swap: 1025 })), true);
  assert.equal(instanceDiskGb(flavor({ disk: 9, ephemeral: 1, swap: 1025 })), 12);
});

test("a compute node's capacity is its inventory, ratios and the usage given", () => {
  const node = {
    vcpus: 8,
    memory_mb: 8192,
    local_gb: 80,
    cpu_allocation_ratio: 4,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 2,
  } as ComputeNode;
  assert.deepEqual(hostCapacity(node, { vcpus: 3, ram: 512, disk: 7 }), {
    vcpus: 8,
    vcpus_used: 3,
    memory_mb: 8192,
    memory_mb_used: 512,
    local_gb: 80,
    local_gb_used: 7,
    cpu_allocation_ratio: 4,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 2,
  });
});
