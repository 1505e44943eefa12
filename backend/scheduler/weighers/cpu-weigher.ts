// CPUWeigher: weight = free vCPUs = vcpus × cpu_allocation_ratio − vcpus_used.
// cpu_weight_multiplier > 0 spreads, < 0 stacks.
import type { SchedulerWeigher } from './types.js';

export const cpuWeigher: SchedulerWeigher = {
  name: 'CPUWeigher',
  minval: 0,
  multiplier: (opts) => opts.cpu_weight_multiplier,
  multiplierOption: 'cpu_weight_multiplier',
  weigh: (host) => host.vcpus * host.cpu_allocation_ratio - host.vcpus_used,
};
