// The filter registry: every name nova.conf may list in scheduler_default_filters, mapped
// to its filter. The enabled list is validated against it at start-up.
import { FILTER_NAMES, type FilterName } from '../../../contract/scheduler-names.js';
import { sameList } from '../same-list.js';
import type { SchedulerFilter } from './types.js';
import { retryFilter } from './retry-filter.js';
import { availabilityZoneFilter } from './availability-zone-filter.js';
import { ramFilter } from './ram-filter.js';
import { computeFilter } from './compute-filter.js';
import { computeCapabilitiesFilter } from './compute-capabilities-filter.js';
import { imagePropertiesFilter } from './image-properties-filter.js';
import { coreFilter } from './core-filter.js';
import { diskFilter } from './disk-filter.js';
import { aggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs-filter.js';
import { serverGroupAffinityFilter } from './server-group-affinity-filter.js';
import { serverGroupAntiAffinityFilter } from './server-group-anti-affinity-filter.js';

export type { SchedulerFilter } from './types.js';

export const FILTERS: Readonly<Record<FilterName, SchedulerFilter>> = {
  RetryFilter: retryFilter,
  AvailabilityZoneFilter: availabilityZoneFilter,
  RamFilter: ramFilter,
  ComputeFilter: computeFilter,
  ComputeCapabilitiesFilter: computeCapabilitiesFilter,
  ImagePropertiesFilter: imagePropertiesFilter,
  CoreFilter: coreFilter,
  DiskFilter: diskFilter,
  AggregateInstanceExtraSpecsFilter: aggregateInstanceExtraSpecsFilter,
  ServerGroupAffinityFilter: serverGroupAffinityFilter,
  ServerGroupAntiAffinityFilter: serverGroupAntiAffinityFilter,
};

export function isFilterName(name: string): name is FilterName {
  return (FILTER_NAMES as readonly string[]).includes(name);
}

/**
 * Check a configured filter list once, at start-up: null when every name is known, else
 * one message naming every unknown name and the known ones.
 */
export function unknownFiltersMessage(names: readonly string[]): string | null {
  const unknown = names.filter((n) => !isFilterName(n));
  if (unknown.length === 0) return null;
  return `scheduler_default_filters names unknown filter(s): ${unknown.join(', ')}. ` +
    `Known filters: ${FILTER_NAMES.join(', ')}`;
}

/** The filters for a configured list of names, in order (throws on an unknown name). */
function resolve(names: readonly string[]): SchedulerFilter[] {
  const problem = unknownFiltersMessage(names);
  if (problem) throw new Error(problem);
  return names.map((n) => FILTERS[n as FilterName]);
}

let lastNames: readonly string[] = [];
let lastResolved: SchedulerFilter[] = [];

/**
 * The filters for a configured list of names, in order (throws on an unknown name). The last
 * list resolved is remembered, as the scheduler asks on every decision.
 */
export function filtersFor(names: readonly string[]): SchedulerFilter[] {
  if (!sameList(names, lastNames) || lastResolved.length !== names.length) {
    lastResolved = resolve(names);
    lastNames = names.slice();
  }
  return lastResolved;
}
