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

// Limits as the resource filters set them on host() (memory 4096 × 1.5, 4 vCPUs × 16, 40 GB × 1).
const ALL = { memory_mb: 6144, vcpu: 64, disk_gb: 40 };

test('accepts a claim that fits every limit', () => {
  assert.equal(claimFits(host(), flavor(), ALL), true);
});

test('refuses a claim, naming every resource short of its limit (Nova claims.py order: memory, disk, vcpu)', () => {
  const h = host({ vcpus_used: 64, memory_mb_used: 5800, local_gb_used: 35 });
  assert.equal(
    claimFits(h, flavor(), ALL),
    'free memory 344 MB < 1024 MB requested (limit 6144 MB − 5800 MB used); ' +
      'free disk 5 GB < 10 GB requested (limit 40 GB − 35 GB used); ' +
      'free vcpu 0 VCPU < 1 VCPU requested (limit 64 VCPU − 64 VCPU used)',
  );
});

test('a resource without a limit is unlimited: only the limits given are enforced', () => {
  const full = host({ vcpus_used: 64, memory_mb_used: 9000, local_gb_used: 40 });
  assert.equal(claimFits(full, flavor(), {}), true);
  assert.match(String(claimFits(full, flavor(), { memory_mb: 6144 })), /^free memory -2856 MB < 1024 MB requested/);
  assert.match(String(claimFits(full, flavor(), { disk_gb: 40 })), /^free disk 0 GB < 10 GB requested/);
});

test('a 4-vCPU host under a vcpu limit of 8 takes exactly 8 one-vCPU claims', () => {
  let used = 0;
  for (let i = 0; i < 50; i++) if (claimFits(host({ vcpus_used: used }), flavor({ disk: 0 }), { vcpu: 8 }) === true) used++;
  assert.equal(used, 8);
});

test("disk is root + ephemeral: swap is neither claimed nor counted as used (Nova's resource tracker)", () => {
  const h = host({ local_gb: 20, local_gb_used: 10 });
  assert.equal(claimFits(h, flavor({ disk: 9, ephemeral: 1, swap: 4096 }), { disk_gb: 20 }), true);
  assert.notEqual(claimFits(h, flavor({ disk: 10, ephemeral: 1 }), { disk_gb: 20 }), true);
  assert.equal(instanceDiskGb(flavor({ disk: 9, ephemeral: 1, swap: 1025 })), 10);
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
