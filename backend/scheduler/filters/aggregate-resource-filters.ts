// AggregateCoreFilter, AggregateRamFilter, AggregateDiskFilter (Stein): CoreFilter, RamFilter
// and DiskFilter with the allocation ratio taken from the host's aggregates' metadata
// (cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio; the minimum if several
// aggregates set it), else the host's own ratio. The arithmetic is the shared one, with that
// ratio, so the claim and the filters agree.
import type { FilterVerdict, HostState, RequestSpec } from '../../../contract/scheduler.js';
import type { SchedulerFilter } from './types.js';
import { coresFit, diskFits, ramFits, type HostCapacity } from '../../shared/capacity.js';
import { aggregateAllocationRatio, aggregateMin, aggregateNumber } from '../../shared/aggregate-values.js';
import { ratio } from '../../shared/format.js';
import { coreFilter } from './core-filter.js';
import { ramFilter } from './ram-filter.js';
import { diskFilter } from './disk-filter.js';
import { msg } from '../../../contract/messages.js';

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
function explain(verdict: FilterVerdict, host: HostState, key: RatioKey): FilterVerdict {
  if (verdict === true || aggregateMin(host, key, 'float') === undefined) return verdict;
  const r = aggregateNumber(host, key, host[key], 'float', msg('source.hostRatio', { key, ratio: ratio(host[key]) }));
  return msg('filter.aggregateRatio', { reason: verdict, source: r.sourceMessage });
}

/** A filter that may name the limit it sets on a host it passes (Nova's host_state.limits). */
type WithLimits = SchedulerFilter & { limits?: (host: HostState, spec: RequestSpec) => unknown };

export function aggregateResourceFilter(
  name: 'AggregateCoreFilter' | 'AggregateRamFilter' | 'AggregateDiskFilter',
  key: RatioKey,
  base: SchedulerFilter,
  fits: (host: HostCapacity, spec: RequestSpec) => FilterVerdict,
): SchedulerFilter {
  const filter: WithLimits = {
    name,
    check(host, spec) {
      const h = withAggregateRatio(host, key);
      return explain(fits(h ?? host, spec), host, key);
    },
  };
  // Stein: the Aggregate filter sets the same limit as its base filter, at the aggregate's
  // ratio, and the claim enforces it. Where the base filter names its limit, so does this one.
  const baseLimits = (base as WithLimits).limits;
  if (baseLimits) {
    filter.limits = (host, spec) => {
      const ratio = aggregateAllocationRatio(host, key, host[key]);
      return baseLimits(ratio === host[key] ? host : { ...host, [key]: ratio }, spec);
    };
  }
  return filter;
}

export const aggregateCoreFilter = aggregateResourceFilter('AggregateCoreFilter', 'cpu_allocation_ratio', coreFilter, (h, spec) =>
  coresFit(h, spec.flavor.vcpus),
);
export const aggregateRamFilter = aggregateResourceFilter('AggregateRamFilter', 'ram_allocation_ratio', ramFilter, (h, spec) =>
  ramFits(h, spec.flavor.ram),
);
export const aggregateDiskFilter = aggregateResourceFilter('AggregateDiskFilter', 'disk_allocation_ratio', diskFilter, (h, spec) =>
  diskFits(h, spec.flavor),
);
