// The capacity arithmetic shared by RamFilter, CoreFilter, DiskFilter and the claims, so
// that "the filter let it through" and "the claim accepts it" can never disagree.
// Each check answers true or a reason naming every number in the sum.
import type { Flavor } from '../../contract/model.js';
import type { HostState } from '../../contract/scheduler.js';
import { qty, ratio } from './format.js';

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

/**
 * RAM (Nova's RamFilter): usable = memory_mb × ram_allocation_ratio − memory_mb_used.
 * An instance may overcommit against others, never against itself: it must fit in
 * memory_mb before any ratio.
 */
export function ramFits(host: HostCapacity, requestedMb: number): true | string {
  if (host.memory_mb < requestedMb) {
    return `${qty(requestedMb)} MB requested > ${qty(host.memory_mb)} MB physical RAM ` + '(an instance may not overcommit against itself)';
  }
  const usable = host.memory_mb * host.ram_allocation_ratio - host.memory_mb_used;
  if (usable >= requestedMb) return true;
  return (
    `${qty(usable)} MB usable RAM < ${qty(requestedMb)} MB requested ` +
    `(${qty(host.memory_mb)} MB × ratio ${ratio(host.ram_allocation_ratio)} − ${qty(host.memory_mb_used)} MB used)`
  );
}

/**
 * vCPUs (Nova's CoreFilter): usable = vcpus × cpu_allocation_ratio; free = usable − used.
 * A host reporting 0 vCPUs passes (Nova's fail-safe for a broken CPU count).
 */
export function coresFit(host: HostCapacity, requested: number): true | string {
  if (!host.vcpus) return true;
  if (requested > host.vcpus) {
    return `${vcpus(requested)} requested > ${host.vcpus} physical vCPUs ` + '(an instance may not overcommit against itself)';
  }
  const usable = host.vcpus * host.cpu_allocation_ratio;
  if (usable - host.vcpus_used >= requested) return true;
  return (
    `${vcpus(host.vcpus)} × ratio ${ratio(host.cpu_allocation_ratio)} = ${qty(usable)} usable, ` +
    `${qty(host.vcpus_used)} used, ${requested} requested`
  );
}

const vcpus = (n: number): string => `${n} vCPU${n === 1 ? '' : 's'}`;

/** Disk a flavor needs, in MB (Nova's DiskFilter): 1024 × (root + ephemeral) + swap. */
export function requestedDiskMb(flavor: FlavorSize): number {
  return 1024 * (flavor.disk + flavor.ephemeral) + flavor.swap;
}

/** Disk (Nova's DiskFilter): usable = local_gb × 1024 × disk_allocation_ratio − used. */
export function diskFits(host: HostCapacity, flavor: FlavorSize): true | string {
  const requested = requestedDiskMb(flavor);
  const totalMb = host.local_gb * 1024;
  const usedMb = host.local_gb_used * 1024;
  const usable = totalMb * host.disk_allocation_ratio - usedMb;
  if (usable >= requested) return true;
  return (
    `${qty(usable)} MB usable disk < ${qty(requested)} MB requested ` +
    `(root ${flavor.disk} GB + ephemeral ${flavor.ephemeral} GB + swap ${flavor.swap} MB; ` +
    `${qty(totalMb)} MB × ratio ${ratio(host.disk_allocation_ratio)} − ${qty(usedMb)} MB used)`
  );
}
