// Resource claims: the conductor asks "does this flavor still fit on this host?" and, if so,
// records the new usage in the same step, so concurrent creates never over-commit a host.
// Pure: the caller owns the state and applies the returned usage atomically.
import { coresFit, diskFits, ramFits, type FlavorSize, type HostCapacity } from './capacity.js';

export type { FlavorSize, HostCapacity } from './capacity.js';

/** The usage counters a claim changes. */
export interface HostUsage {
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
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

/** Disk a flavor takes from local_gb_used, in GB: root + ephemeral + swap (MB / 1024). */
export function claimedDiskGb(flavor: FlavorSize): number {
  return flavor.disk + flavor.ephemeral + flavor.swap / 1024;
}

/** The usage after the flavor's claim is added (call only after claimFits said true). */
export function applyClaim(host: HostUsage, flavor: FlavorSize): HostUsage {
  return {
    vcpus_used: host.vcpus_used + flavor.vcpus,
    memory_mb_used: host.memory_mb_used + flavor.ram,
    local_gb_used: host.local_gb_used + claimedDiskGb(flavor),
  };
}

/** The usage after the flavor's claim is given back (an instance deleted or a build aborted). */
export function releaseClaim(host: HostUsage, flavor: FlavorSize): HostUsage {
  return {
    vcpus_used: Math.max(0, host.vcpus_used - flavor.vcpus),
    memory_mb_used: Math.max(0, host.memory_mb_used - flavor.ram),
    local_gb_used: Math.max(0, host.local_gb_used - claimedDiskGb(flavor)),
  };
}

export type ClaimResult = { ok: true; usage: HostUsage } | { ok: false; reason: string };

/** claimFits then applyClaim in one call: the new usage, or the reason it does not fit. */
export function tryClaim(host: HostCapacity, flavor: FlavorSize): ClaimResult {
  const fits = claimFits(host, flavor);
  return fits === true ? { ok: true, usage: applyClaim(host, flavor) } : { ok: false, reason: fits };
}
