// RamFilter: the flavor's RAM must fit in memory_mb × ram_allocation_ratio − memory_mb_used.
import type { SchedulerFilter } from './types.js';
import { ramFits } from '../../shared/capacity.js';

export const ramFilter: SchedulerFilter = {
  name: 'RamFilter',
  check: (host, spec) => ramFits(host, spec.flavor.ram),
};
