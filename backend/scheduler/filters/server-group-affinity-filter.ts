// ServerGroupAffinityFilter: members of an "affinity" server group all land on the
// host(s) its members already use; the first member may go anywhere.
import type { SchedulerFilter } from './types.js';
import { list } from '../../shared/format.js';
import { groupLabel } from '../../shared/group-members.js';
import { msg } from '../../../contract/messages.js';

export const serverGroupAffinityFilter: SchedulerFilter = {
  name: 'ServerGroupAffinityFilter',
  check(host, spec) {
    const group = spec.instance_group;
    if (!group || group.policy !== 'affinity' || group.member_hosts.length === 0) return true;
    if (group.member_hosts.includes(host.host)) return true;
    return msg('filter.groupAffinity', { group: groupLabel(group), hosts: list([...new Set(group.member_hosts)]) });
  },
};
