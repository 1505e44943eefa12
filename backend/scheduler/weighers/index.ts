// The weigher registry: every name nova.conf may list in scheduler_weight_classes.
import { WEIGHER_NAMES, type WeigherName } from '../../../contract/scheduler-names.js';
import { createRegistry } from '../registry.js';
import type { SchedulerWeigher } from './types.js';
import { ramWeigher } from './ram-weigher.js';
import { cpuWeigher } from './cpu-weigher.js';
import { diskWeigher } from './disk-weigher.js';
import { metricsWeigher } from './metrics-weigher.js';
import { serverGroupSoftAffinityWeigher, serverGroupSoftAntiAffinityWeigher } from './server-group-soft-weighers.js';
import { ioOpsWeigher } from './io-ops-weigher.js';
import { buildFailureWeigher } from './build-failure-weigher.js';

export type { SchedulerWeigher, WeigherOptions } from './types.js';
export { DEFAULT_WEIGHER_OPTIONS, ComputeHostMetricNotFound } from './types.js';

export const WEIGHERS: Readonly<Record<WeigherName, SchedulerWeigher>> = {
  RAMWeigher: ramWeigher,
  CPUWeigher: cpuWeigher,
  DiskWeigher: diskWeigher,
  MetricsWeigher: metricsWeigher,
  ServerGroupSoftAffinityWeigher: serverGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher: serverGroupSoftAntiAffinityWeigher,
  IoOpsWeigher: ioOpsWeigher,
  BuildFailureWeigher: buildFailureWeigher,
};

const registry = createRegistry('scheduler_weight_classes', 'weigher', WEIGHER_NAMES, WEIGHERS);

export const isWeigherName = registry.isName;
export const unknownWeighersMessage = registry.unknownMessage;
export const weighersFor = registry.resolve;
