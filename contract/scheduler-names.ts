// Names of the scheduler's filters and weighers: nova.conf is validated against these,
// the configuration screen offers them, and the scheduler's registry must match them.

/** The course's default filter list (nova.conf scheduler_default_filters). */
export const DEFAULT_FILTERS = [
  'RetryFilter',
  'AvailabilityZoneFilter',
  'RamFilter',
  'ComputeFilter',
  'ComputeCapabilitiesFilter',
  'ImagePropertiesFilter',
  'CoreFilter',
] as const;

/** Every filter the lab has: the defaults, then the ones a learner turns on. */
export const FILTER_NAMES = [
  ...DEFAULT_FILTERS,
  'DiskFilter',
  'AggregateInstanceExtraSpecsFilter',
  'ServerGroupAffinityFilter',
  'ServerGroupAntiAffinityFilter',
  'SameHostFilter',
  'DifferentHostFilter',
  'NumInstancesFilter',
  'AggregateNumInstancesFilter',
  'IoOpsFilter',
  'AggregateIoOpsFilter',
  'AggregateImagePropertiesIsolation',
  'AggregateTypeAffinityFilter',
  'AggregateMultiTenancyIsolation',
  'JsonFilter',
  'AllHostsFilter',
  'AggregateCoreFilter',
  'AggregateRamFilter',
  'AggregateDiskFilter',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export const WEIGHER_NAMES = [
  'RAMWeigher',
  'CPUWeigher',
  'DiskWeigher',
  'MetricsWeigher',
  'ServerGroupSoftAffinityWeigher',
  'ServerGroupSoftAntiAffinityWeigher',
  'IoOpsWeigher',
  'BuildFailureWeigher',
] as const;
export type WeigherName = (typeof WEIGHER_NAMES)[number];

/** The course's default weigher list (nova.conf scheduler_weight_classes). */
export const DEFAULT_WEIGHERS: WeigherName[] = ['RAMWeigher'];
