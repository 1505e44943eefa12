// ServerGroupAntiAffinityFilter: members of an "anti-affinity" server group each land on
// a different host, or (rule max_server_per_host, from 2.64) at most that many on one host.
// A host already holding this very instance (a move) is not refused.
import type { SchedulerFilter } from './types.js';
import { groupLabel, membersOnHost } from '../../shared/group-members.js';
import { msg } from '../../../contract/messages.js';

export const serverGroupAntiAffinityFilter: SchedulerFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  check(host, spec) {
    const group = spec.instance_group;
    if (!group || group.policy !== 'anti-affinity') return true;
    if (host.instance_uuids.includes(spec.instance_uuid)) return true;
    const max = group.max_server_per_host ?? 1;
    const here = membersOnHost(group.member_hosts, host.host);
    if (here < max) return true;
    return max === 1
      ? msg('filter.groupAntiAffinity', { group: groupLabel(group), host: host.host })
      : msg('filter.groupAntiAffinityMax', { group: groupLabel(group), max, host: host.host, count: here });
  },
};
