// DiskFilter (Stein): root + ephemeral + swap must fit in local_gb before any ratio (no
// instance overcommits against itself), then in local_gb × disk_allocation_ratio − used.
// It sets the host's disk_gb limit (local_gb × ratio), which the claim enforces.
import type { SchedulerFilter } from './types.js';
import { diskFits, diskLimitGb } from '../../shared/capacity.js';

export const diskFilter: SchedulerFilter = {
  name: 'DiskFilter',
  check: (host, spec) => diskFits(host, spec.flavor),
  limits: (host) => ({ disk_gb: diskLimitGb(host) }),
};
