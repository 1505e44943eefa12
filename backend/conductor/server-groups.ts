// Server groups in the conductor: pure decisions on a group and the instance records. The
// scheduler's ServerGroup(Anti)AffinityFilter explains a placement; the claim below enforces it
// atomically, since the members of one request are scheduled at the same time.
import type { Instance, ServerGroup } from '../../contract/model.js';
import type { RequestSpec } from '../../contract/scheduler.js';
import { groupLabel, membersOnHost } from '../shared/group-members.js';

/** The host of every other member already placed (once per member), as the scheduler sees the group. */
export function memberHosts(group: ServerGroup, instances: readonly Instance[], except: string): string[] {
  const members = new Set(group.members);
  return instances.filter((i) => i.uuid !== except && members.has(i.uuid) && i.host && i.vm_state !== 'deleted').map((i) => i.host!);
}

export function groupSpec(group: ServerGroup, instances: readonly Instance[], uuid: string): NonNullable<RequestSpec['instance_group']> {
  return {
    uuid: group.id,
    ...(group.name ? { name: group.name } : {}),
    policy: group.policy,
    member_hosts: memberHosts(group, instances, uuid),
    ...(group.rules.max_server_per_host !== undefined ? { max_server_per_host: group.rules.max_server_per_host } : {}),
  };
}

/** Why placing `uuid` on `host` would break its group's policy, or null when it would not. */
export function groupRefusal(group: ServerGroup, instances: readonly Instance[], uuid: string, host: string): string | null {
  if (group.policy !== 'affinity' && group.policy !== 'anti-affinity') return null; // soft policies only weigh
  const hosts = memberHosts(group, instances, uuid);
  if (group.policy === 'affinity') {
    const other = hosts.find((h) => h !== host);
    return other
      ? `server group ${groupLabel({ uuid: group.id, name: group.name })} has policy affinity and its members are on ${other}`
      : null;
  }
  const max = group.rules.max_server_per_host ?? 1;
  const here = membersOnHost(hosts, host);
  return here >= max
    ? `server group ${groupLabel({ uuid: group.id, name: group.name })} has policy anti-affinity and ${host} already holds ${here} of its members (at most ${max})`
    : null;
}
