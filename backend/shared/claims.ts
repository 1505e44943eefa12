// Resource claims: the conductor asks "does this flavor still fit on this host?" before it
// records the placement, so concurrent creates never over-commit a host. The answer is the
// RamFilter's, CoreFilter's and DiskFilter's own arithmetic (capacity.ts), so the claim and
// the filters cannot disagree. Pure: the caller owns the state.
import type { ComputeNode } from '../../contract/model.js';
import { coresFit, diskFits, ramFits, type FlavorSize, type HostCapacity } from './capacity.js';

export type { FlavorSize, HostCapacity } from './capacity.js';

/** What a host's instances use, as the host state counts it. */
export interface HostUsage {
  vcpus: number;
  ram: number;
  disk: number;
}

/** Disk an instance holds on its host, in whole GB: root + ephemeral + swap rounded up. */
export const instanceDiskGb = (f: FlavorSize): number => f.disk + f.ephemeral + Math.ceil(f.swap / 1024);

/** A compute node and its usage as the capacity fields the filters and the claim read. */
export function hostCapacity(node: ComputeNode, used: HostUsage): HostCapacity {
  return {
    vcpus: node.vcpus,
    vcpus_used: used.vcpus,
    memory_mb: node.memory_mb,
    memory_mb_used: used.ram,
    local_gb: node.local_gb,
    local_gb_used: used.disk,
    cpu_allocation_ratio: node.cpu_allocation_ratio,
    ram_allocation_ratio: node.ram_allocation_ratio,
    disk_allocation_ratio: node.disk_allocation_ratio,
  };
}

/**
 * true when the flavor fits within the host's allocation ratios (the same arithmetic as
 * CoreFilter, RamFilter and DiskFilter), else one line naming every resource short of it:
 * "RAM: 512 MB usable RAM < 2048 MB requested (…); vCPU: …".
 */
export function claimFits(host: HostCapacity, flavor: FlavorSize): true | string {
  const problems: string[] = [];
  const cpu = coresFit(host, flavor.vcpus);
  if (cpu !== true) problems.push(`vCPU: ${cpu}`);
  const ram = ramFits(host, flavor.ram);
  if (ram !== true) problems.push(`RAM: ${ram}`);
  const disk = diskFits(host, flavor);
  if (disk !== true) problems.push(`disk: ${disk}`);
  return problems.length ? problems.join('; ') : true;
}
