// RAMWeigher: weight = free RAM (MB). ram_weight_multiplier > 0 spreads instances onto the
// host with the most free RAM; < 0 stacks them onto the host with the least.
import type { SchedulerWeigher } from './types.js';

export const ramWeigher: SchedulerWeigher = {
  name: 'RAMWeigher',
  minval: 0,
  multiplier: (opts) => opts.ram_weight_multiplier,
  multiplierOption: 'ram_weight_multiplier',
  weigh: (host) => host.free_ram_mb,
};
