// CoreFilter: the flavor's vCPUs must fit in vcpus × cpu_allocation_ratio − vcpus_used.
// A 4-vCPU host at ratio 2.0 holds 8 vCPUs of instances and refuses the 9th.
// It sets the host's vcpu limit (vcpus × ratio, none for a host reporting 0 vCPUs).
import type { SchedulerFilter } from './types.js';
import { coresFit, vcpuLimit } from '../../shared/capacity.js';

export const coreFilter: SchedulerFilter = {
  name: 'CoreFilter',
  check: (host, spec) => coresFit(host, spec.flavor.vcpus),
  limits: (host) => {
    const vcpu = vcpuLimit(host);
    return vcpu === undefined ? {} : { vcpu };
  },
};
