// How many of a server group's other members a host already holds: read by the anti-affinity
// filter, the soft-affinity weighers and the conductor's claims, so all three count alike.
export function membersOnHost(memberHosts: readonly string[], host: string): number {
  let n = 0;
  for (const h of memberHosts) if (h === host) n++;
  return n;
}
