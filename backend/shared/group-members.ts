// How many of a server group's other members a host already holds: read by the anti-affinity
// filter, the soft-affinity weighers and the conductor's claims, so all three count alike.
export function membersOnHost(memberHosts: readonly string[], host: string): number {
  let n = 0;
  for (const h of memberHosts) if (h === host) n++;
  return n;
}

/** How an explanation names a server group: by the name the learner gave it, its id beside it
 *  (names need not be unique); by its id alone when it has no other name. */
export function groupLabel(group: { uuid: string; name?: string }): string {
  return group.name && group.name !== group.uuid ? `${group.name} (${group.uuid})` : group.uuid;
}
