// AllHostsFilter: every host passes (Nova's no-op filter).
import type { SchedulerFilter } from './types.js';

export const allHostsFilter: SchedulerFilter = {
  name: 'AllHostsFilter',
  oncePerRequest: true,
  passesAll: () => true,
  check: () => true,
};
