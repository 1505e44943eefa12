// Resource claims: the conductor asks "does this flavor still fit on this host?" before it
// records the placement, so concurrent creates never over-commit a host. As Nova's compute
// claim before Placement, it enforces exactly the limits the enabled resource filters set
// for the decision (capacity.ts: the filters' and the claim's one arithmetic). Pure: the
// caller owns the state.
import type { ComputeNode } from '../../contract/model.js';
import type { ResourceLimits } from '../../contract/scheduler.js';
import { claimWithinLimits, type FlavorSize, type HostCapacity } from './capacity.js';

export type { FlavorSize, HostCapacity } from './capacity.js';
export { instanceDiskGb } from './capacity.js';

/** What a host's instances use, as the host state counts it. */
export interface HostUsage {
  vcpus: number;
  ram: number;
  disk: number;
}

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
 * true when the flavor fits under the limits given (those the enabled filters set), else one
 * line naming every resource short of it: "free memory 512 MB < 2048 MB requested (…); …".
 * With no limits (no resource filter enabled, or a forced host) every claim fits.
 */
export function claimFits(host: HostCapacity, flavor: FlavorSize, limits: ResourceLimits): true | string {
  return claimWithinLimits(host, flavor, limits);
}
