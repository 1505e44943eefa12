// AggregateCoreFilter, AggregateRamFilter, AggregateDiskFilter (Stein): CoreFilter, RamFilter
// and DiskFilter with the allocation ratio taken from the host's aggregates' metadata
// (cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio; the minimum if several
// aggregates set it), else the host's own ratio. The arithmetic is the shared one, with that
// ratio, so the claim and the filters agree.
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';
import type { SchedulerFilter } from './types.js';
import { coresFit, diskFits, ramFits, type HostCapacity } from '../../shared/capacity.js';
import { aggregateAllocationRatio, aggregateMin, aggregateNumber } from '../../shared/aggregate-values.js';
import { ratio } from '../../shared/format.js';

type RatioKey = 'cpu_allocation_ratio' | 'ram_allocation_ratio' | 'disk_allocation_ratio';

/** One scratch copy, refilled per host: the capacity checks read it and keep nothing (no garbage per host). */
const scratch: HostCapacity = {
  vcpus: 0,
  vcpus_used: 0,
  memory_mb: 0,
  memory_mb_used: 0,
  local_gb: 0,
  local_gb_used: 0,
  cpu_allocation_ratio: 0,
  ram_allocation_ratio: 0,
  disk_allocation_ratio: 0,
};

/**
 * The host's capacity with its ratio replaced by its aggregates' one; null when no aggregate
 * sets a usable one. The object returned is reused by the next call.
 */
export function withAggregateRatio(host: HostState, key: RatioKey): HostCapacity | null {
  if (host.aggregates.length === 0) return null;
  const r = aggregateAllocationRatio(host, key, NaN);
  if (Number.isNaN(r)) return null;
  scratch.vcpus = host.vcpus;
  scratch.vcpus_used = host.vcpus_used;
  scratch.memory_mb = host.memory_mb;
  scratch.memory_mb_used = host.memory_mb_used;
  scratch.local_gb = host.local_gb;
  scratch.local_gb_used = host.local_gb_used;
  scratch.cpu_allocation_ratio = host.cpu_allocation_ratio;
  scratch.ram_allocation_ratio = host.ram_allocation_ratio;
  scratch.disk_allocation_ratio = host.disk_allocation_ratio;
  scratch[key] = r;
  return scratch;
}

/** Where the ratio came from, said only for a rejected host. */
function explain(verdict: true | string, host: HostState, key: RatioKey): true | string {
  if (verdict === true || aggregateMin(host, key, 'float') === undefined) return verdict;
  const r = aggregateNumber(host, key, host[key], 'float', `the host's own ${key} ${ratio(host[key])}`);
  return `${verdict}; ratio from ${r.source}`;
}

function aggregateResourceFilter(
  name: 'AggregateCoreFilter' | 'AggregateRamFilter' | 'AggregateDiskFilter',
  key: RatioKey,
  fits: (host: HostCapacity, spec: RequestSpec) => true | string,
): SchedulerFilter {
  return {
    name,
    check(host, spec) {
      const h = withAggregateRatio(host, key);
      return explain(fits(h ?? host, spec), host, key);
    },
  };
}

export const aggregateCoreFilter = aggregateResourceFilter('AggregateCoreFilter', 'cpu_allocation_ratio', (h, spec) =>
  coresFit(h, spec.flavor.vcpus),
);
export const aggregateRamFilter = aggregateResourceFilter('AggregateRamFilter', 'ram_allocation_ratio', (h, spec) =>
  ramFits(h, spec.flavor.ram),
);
export const aggregateDiskFilter = aggregateResourceFilter('AggregateDiskFilter', 'disk_allocation_ratio', (h, spec) =>
  diskFits(h, spec.flavor),
);
