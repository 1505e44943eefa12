// The capacity arithmetic shared by RamFilter, CoreFilter, DiskFilter and the claims, so
// that "the filter let it through" and "the claim accepts it" can never disagree.
// Each filter check answers true or a reason (by code) naming every number in the sum; each filter
// also names the limit it sets (Nova's host_state.limits, Stein), which the claim enforces.
import type { Flavor } from '../../contract/model.js';
import type { HostState, ResourceLimits } from '../../contract/scheduler.js';
import { qty, ratio } from './format.js';
import { msg, type LabMessage } from '../../contract/messages.js';

/** The capacity and usage fields of a host that the checks read. */
export type HostCapacity = Pick<
  HostState,
  | 'vcpus'
  | 'vcpus_used'
  | 'memory_mb'
  | 'memory_mb_used'
  | 'local_gb'
  | 'local_gb_used'
  | 'cpu_allocation_ratio'
  | 'ram_allocation_ratio'
  | 'disk_allocation_ratio'
>;

/** The parts of a flavor that consume capacity. */
export type FlavorSize = Pick<Flavor, 'vcpus' | 'ram' | 'disk' | 'ephemeral' | 'swap'>;

/** RamFilter's limit: memory_mb × ram_allocation_ratio (MB). */
export const ramLimitMb = (host: HostCapacity): number => host.memory_mb * host.ram_allocation_ratio;

/** CoreFilter's limit: vcpus × cpu_allocation_ratio; none when the host reports 0 vCPUs. */
export const vcpuLimit = (host: HostCapacity): number | undefined =>
  host.vcpus * host.cpu_allocation_ratio > 0 ? host.vcpus * host.cpu_allocation_ratio : undefined;

/** DiskFilter's limit: local_gb × disk_allocation_ratio (GB). */
export const diskLimitGb = (host: HostCapacity): number => host.local_gb * host.disk_allocation_ratio;

/**
 * RAM (Nova's RamFilter): usable = memory_mb × ram_allocation_ratio − memory_mb_used.
 * An instance may overcommit against others, never against itself: it must fit in
 * memory_mb before any ratio.
 */
export function ramFits(host: HostCapacity, requestedMb: number): true | LabMessage {
  if (host.memory_mb < requestedMb) {
    return msg('filter.ram.overSelf', { requested_mb: qty(requestedMb), physical_mb: qty(host.memory_mb) });
  }
  const usable = ramLimitMb(host) - host.memory_mb_used;
  if (usable >= requestedMb) return true;
  return msg('filter.ram.insufficient', {
    usable_mb: qty(usable),
    requested_mb: qty(requestedMb),
    physical_mb: qty(host.memory_mb),
    ratio: ratio(host.ram_allocation_ratio),
    used_mb: qty(host.memory_mb_used),
  });
}

/**
 * vCPUs (Nova's CoreFilter): usable = vcpus × cpu_allocation_ratio; free = usable − used.
 * A host reporting 0 vCPUs passes (Nova's fail-safe for a broken CPU count).
 */
export function coresFit(host: HostCapacity, requested: number): true | LabMessage {
  if (!host.vcpus) return true;
  if (requested > host.vcpus) return msg('filter.core.overSelf', { count: requested, physical: host.vcpus });
  const usable = host.vcpus * host.cpu_allocation_ratio;
  if (usable - host.vcpus_used >= requested) return true;
  return msg('filter.core.insufficient', {
    count: host.vcpus,
    ratio: ratio(host.cpu_allocation_ratio),
    usable: qty(usable),
    used: qty(host.vcpus_used),
    requested,
  });
}

/** Disk a flavor needs, in MB (Nova's DiskFilter): 1024 × (root + ephemeral) + swap. */
export function requestedDiskMb(flavor: FlavorSize): number {
  return 1024 * (flavor.disk + flavor.ephemeral) + flavor.swap;
}

/**
 * Disk (Stein's DiskFilter): the request must fit in local_gb before any ratio (an instance
 * may not overcommit against itself), then in local_gb × 1024 × disk_allocation_ratio − used.
 */
export function diskFits(host: HostCapacity, flavor: FlavorSize): true | LabMessage {
  const requested = requestedDiskMb(flavor);
  const totalMb = host.local_gb * 1024;
  const parts = { root_gb: flavor.disk, ephemeral_gb: flavor.ephemeral, swap_mb: flavor.swap };
  if (totalMb < requested) return msg('filter.disk.overSelf', { requested_mb: qty(requested), ...parts, total_mb: qty(totalMb) });
  const usedMb = host.local_gb_used * 1024;
  const usable = diskLimitGb(host) * 1024 - usedMb;
  if (usable >= requested) return true;
  return msg('filter.disk.insufficient', {
    usable_mb: qty(usable),
    requested_mb: qty(requested),
    ...parts,
    total_mb: qty(totalMb),
    ratio: ratio(host.disk_allocation_ratio),
    used_mb: qty(usedMb),
  });
}

/** Disk an instance holds on its host, in GB, as Nova's resource tracker counts it: root + ephemeral (swap is not counted). */
export const instanceDiskGb = (f: FlavorSize): number => f.disk + f.ephemeral;

/**
 * One resource of Nova's compute claim (claims.py _test): with no limit the resource is
 * unlimited; else free = limit − used must be at least the request.
 */
function underLimit(what: string, unit: string, limit: number | undefined, used: number, requested: number): string | null {
  if (limit === undefined) return null;
  const free = limit - used;
  if (requested <= free) return null;
  return `free ${what} ${qty(free)} ${unit} < ${qty(requested)} ${unit} requested (limit ${qty(limit)} ${unit} − ${qty(used)} ${unit} used)`;
}

/**
 * Nova's compute claim before Placement: each resource is checked only against the limit
 * the scheduler's filters set for it (memory_mb, vcpu, disk_gb); a resource without one is
 * unlimited. Disk is root + ephemeral in GB, as the resource tracker counts it.
 */
export function claimWithinLimits(host: HostCapacity, flavor: FlavorSize, limits: ResourceLimits): true | string {
  const problems = [
    underLimit('memory', 'MB', limits.memory_mb, host.memory_mb_used, flavor.ram),
    underLimit('disk', 'GB', limits.disk_gb, host.local_gb_used, instanceDiskGb(flavor)),
    underLimit('vcpu', 'VCPU', limits.vcpu, host.vcpus_used, flavor.vcpus),
  ].filter((p): p is string => p !== null);
  return problems.length ? problems.join('; ') : true;
}
