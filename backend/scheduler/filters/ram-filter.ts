// RamFilter: the flavor's RAM must fit in memory_mb × ram_allocation_ratio − memory_mb_used.
// It sets the host's memory_mb limit (memory_mb × ratio), which the claim enforces.
import type { SchedulerFilter } from './types.js';
import { ramFits, ramLimitMb } from '../../shared/capacity.js';

export const ramFilter: SchedulerFilter = {
  name: 'RamFilter',
  check: (host, spec) => ramFits(host, spec.flavor.ram),
  limits: (host) => ({ memory_mb: ramLimitMb(host) }),
};
