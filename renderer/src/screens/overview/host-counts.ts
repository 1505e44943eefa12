// Pure: how many instances a host holds and how many of them really run. Nova's running_vms
// (os-hypervisors) counts every instance on the host, SHUTOFF ones included, so "running" is
// counted here from the servers' power state (Nova's power_state 1 = RUNNING).
import type { ServerDetail } from '../../api/compute';

const RUNNING = 1;

export interface HostCount {
  instances: number;
  running: number;
}

export function hostCounts(servers: readonly ServerDetail[]): Map<string, HostCount> {
  const out = new Map<string, HostCount>();
  for (const s of servers) {
    const host = s['OS-EXT-SRV-ATTR:host'];
    if (!host) continue;
    const c = out.get(host) ?? { instances: 0, running: 0 };
    c.instances += 1;
    if (s['OS-EXT-STS:power_state'] === RUNNING) c.running += 1;
    out.set(host, c);
  }
  return out;
}
