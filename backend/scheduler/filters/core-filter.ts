// CoreFilter: the flavor's vCPUs must fit in vcpus × cpu_allocation_ratio − vcpus_used.
// A 4-vCPU host at ratio 2.0 holds 8 vCPUs of instances and refuses the 9th.
import type { SchedulerFilter } from './types.js';
import { coresFit } from '../../shared/capacity.js';

export const coreFilter: SchedulerFilter = {
  name: 'CoreFilter',
  check: (host, spec) => coresFit(host, spec.flavor.vcpus),
};
