// Names of the scheduler's filters and weighers: nova.conf is validated against these,
// the configuration screen offers them, and the scheduler's registry must match them.

export const FILTER_NAMES = [
  'RetryFilter',
  'AvailabilityZoneFilter',
  'RamFilter',
  'ComputeFilter',
  'ComputeCapabilitiesFilter',
  'ImagePropertiesFilter',
  'CoreFilter',
  'DiskFilter',
  'AggregateInstanceExtraSpecsFilter',
  'ServerGroupAffinityFilter',
  'ServerGroupAntiAffinityFilter',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** The course's default filter list (nova.conf scheduler_default_filters). */
export const DEFAULT_FILTERS: readonly FilterName[] = [
  'RetryFilter',
  'AvailabilityZoneFilter',
  'RamFilter',
  'ComputeFilter',
  'ComputeCapabilitiesFilter',
  'ImagePropertiesFilter',
  'CoreFilter',
];

export const WEIGHER_NAMES = ['RAMWeigher', 'CPUWeigher', 'DiskWeigher', 'MetricsWeigher', 'ServerGroupSoftAffinityWeigher', 'ServerGroupSoftAntiAffinityWeigher'] as const;
export type WeigherName = (typeof WEIGHER_NAMES)[number];

/** The course's default weigher list (nova.conf scheduler_weight_classes). */
export const DEFAULT_WEIGHERS: WeigherName[] = ['RAMWeigher'];
