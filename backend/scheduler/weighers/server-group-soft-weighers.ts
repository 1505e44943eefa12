// ServerGroupSoftAffinityWeigher / ServerGroupSoftAntiAffinityWeigher: a soft policy never
// refuses a host, it ranks them. The raw weight is the number of the group's other members on
// the host: gathered for soft-affinity, negated (fewer is better) for soft-anti-affinity.
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';
import type { SchedulerWeigher } from './types.js';
import { membersOnHost } from '../../shared/group-members.js';

function membersOn(host: HostState, spec: RequestSpec, policy: 'soft-affinity' | 'soft-anti-affinity'): number {
  const group = spec.instance_group;
  return group && group.policy === policy ? membersOnHost(group.member_hosts, host.host) : 0;
}

export const serverGroupSoftAffinityWeigher: SchedulerWeigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  multiplier: (opts) => opts.soft_affinity_weight_multiplier,
  multiplierOption: 'soft_affinity_weight_multiplier',
  weigh: (host, spec) => membersOn(host, spec, 'soft-affinity'),
};

export const serverGroupSoftAntiAffinityWeigher: SchedulerWeigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  multiplier: (opts) => opts.soft_anti_affinity_weight_multiplier,
  multiplierOption: 'soft_anti_affinity_weight_multiplier',
  weigh: (host, spec) => {
    const n = membersOn(host, spec, 'soft-anti-affinity');
    return n === 0 ? 0 : -n;
  },
};
