// DiskFilter: root + ephemeral + swap must fit in local_gb × disk_allocation_ratio − used.
import type { SchedulerFilter } from './types.js';
import { diskFits } from '../../shared/capacity.js';

export const diskFilter: SchedulerFilter = {
  name: 'DiskFilter',
  check: (host, spec) => diskFits(host, spec.flavor),
};
