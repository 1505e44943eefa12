// The filter registry: every name nova.conf may list in scheduler_default_filters, mapped
// to its filter. The enabled list is validated against it at start-up.
import { FILTER_NAMES, type FilterName } from '../../../contract/scheduler-names.js';
import { createRegistry } from '../registry.js';
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
import { sameHostFilter, differentHostFilter } from './affinity-hint-filters.js';
import { numInstancesFilter, aggregateNumInstancesFilter } from './num-instances-filter.js';
import { ioOpsFilter, aggregateIoOpsFilter } from './io-ops-filter.js';
import {
  aggregateImagePropertiesIsolation,
  aggregateMultiTenancyIsolation,
  aggregateTypeAffinityFilter,
} from './aggregate-isolation-filters.js';
import { jsonFilter } from './json-filter.js';
import { allHostsFilter } from './all-hosts-filter.js';
import { aggregateCoreFilter, aggregateDiskFilter, aggregateRamFilter } from './aggregate-resource-filters.js';

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
  SameHostFilter: sameHostFilter,
  DifferentHostFilter: differentHostFilter,
  NumInstancesFilter: numInstancesFilter,
  AggregateNumInstancesFilter: aggregateNumInstancesFilter,
  IoOpsFilter: ioOpsFilter,
  AggregateIoOpsFilter: aggregateIoOpsFilter,
  AggregateImagePropertiesIsolation: aggregateImagePropertiesIsolation,
  AggregateTypeAffinityFilter: aggregateTypeAffinityFilter,
  AggregateMultiTenancyIsolation: aggregateMultiTenancyIsolation,
  JsonFilter: jsonFilter,
  AllHostsFilter: allHostsFilter,
  AggregateCoreFilter: aggregateCoreFilter,
  AggregateRamFilter: aggregateRamFilter,
  AggregateDiskFilter: aggregateDiskFilter,
};

const registry = createRegistry('scheduler_default_filters', 'filter', FILTER_NAMES, FILTERS);

export const isFilterName = registry.isName;
export const unknownFiltersMessage = registry.unknownMessage;
export const filtersFor = registry.resolve;
