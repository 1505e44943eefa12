// ServerGroupAntiAffinityFilter: members of an "anti-affinity" server group each land on
// a different host. A host already holding this very instance (a move) is not refused.
import type { SchedulerFilter } from './types.js';

export const serverGroupAntiAffinityFilter: SchedulerFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  check(host, spec) {
    const group = spec.instance_group;
    if (!group || group.policy !== 'anti-affinity') return true;
    if (host.instance_uuids.includes(spec.instance_uuid)) return true;
    if (!group.member_hosts.includes(host.host)) return true;
    return `server group ${group.uuid} has policy anti-affinity and already has a member on ${host.host}`;
  },
};
