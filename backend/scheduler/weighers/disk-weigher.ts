// DiskWeigher: weight = free disk (MB). disk_weight_multiplier > 0 spreads, < 0 stacks.
import type { SchedulerWeigher } from './types.js';

export const diskWeigher: SchedulerWeigher = {
  name: 'DiskWeigher',
  minval: 0,
  multiplier: (opts) => opts.disk_weight_multiplier,
  multiplierOption: 'disk_weight_multiplier',
  weigh: (host) => host.free_disk_mb,
};
