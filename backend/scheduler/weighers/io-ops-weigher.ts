// IoOpsWeigher (Zed): weight = the host's I/O operations under way (builds, resizes,
// snapshots…). io_ops_weight_multiplier defaults to -1.0: the least busy host wins.
import type { SchedulerWeigher } from './types.js';

export const ioOpsWeigher: SchedulerWeigher = {
  name: 'IoOpsWeigher',
  minval: 0,
  multiplier: (opts) => opts.io_ops_weight_multiplier,
  multiplierOption: 'io_ops_weight_multiplier',
  weigh: (host) => host.num_io_ops ?? 0,
};
