// Pure accounting: what a host's instances use, whether one more fits, and the scheduler's
// view of each host. Usage is always derived from the instance records, never kept as a
// separate counter, so it cannot drift.
import type { ComputeNode, Flavor, Instance } from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import type { HostState, ResourceLimits } from '../../contract/scheduler.js';
import { serviceIsUp } from '../shared/service-health.js';
import { claimFits, hostCapacity, instanceDiskGb } from '../shared/claims.js';

export interface HostUsage {
  vcpus: number;
  ram: number;
  disk: number;
  count: number;
  uuids: string[];
}

/** Instances that hold resources on their host (deleted ones and ones in ERROR without a host do not). */
export const holdsResources = (i: Instance) => i.vm_state !== 'deleted' && i.host !== null;

export function usageByHost(instances: Iterable<Instance>): Map<string, HostUsage> {
  const out = new Map<string, HostUsage>();
  for (const i of instances) {
    if (!holdsResources(i)) continue;
    const u = out.get(i.host!) ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] };
    u.vcpus += i.flavor.vcpus;
    u.ram += i.flavor.ram;
    u.disk += instanceDiskGb(i.flavor);
    u.count += 1;
    u.uuids.push(i.uuid);
    out.set(i.host!, u);
  }
  return out;
}

const NO_USAGE: HostUsage = { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] };

/** null when the flavor fits on the node under the limits the filters set; otherwise why not. */
export function claimRefusal(node: ComputeNode, used: HostUsage, flavor: Flavor, limits: ResourceLimits): string | null {
  const fits = claimFits(hostCapacity(node, used), flavor, limits);
  return fits === true ? null : `${node.host}: ${fits}`;
}

/** The scheduler's HostState for every compute node. */
export function buildHostStates(
  nodes: ComputeNode[],
  services: ServiceRecord[],
  usage: Map<string, HostUsage>,
  now: number,
  downTimeS: number,
): HostState[] {
  return nodes.map((n) => {
    const svc = services.find((s) => s.binary === 'nova-compute' && s.host === n.host);
    const u = usage.get(n.host) ?? NO_USAGE;
    return {
      host: n.host,
      nodename: n.hypervisor_hostname,
      availability_zone: n.availability_zone,
      ...hostCapacity(n, u),
      free_ram_mb: n.memory_mb - u.ram,
      free_disk_mb: (n.local_gb - u.disk) * 1024,
      service: {
        up: serviceIsUp(svc, now, downTimeS),
        disabled: svc?.disabled ?? false,
        disabled_reason: svc?.disabled_reason ?? null,
        forced_down: svc?.forced_down ?? false,
      },
      hypervisor_type: n.hypervisor_type,
      hypervisor_version: n.hypervisor_version,
      hypervisor_hostname: n.hypervisor_hostname,
      uuid: n.uuid,
      cpu_info: n.cpu_info,
      supported_instances: n.supported_instances,
      capabilities: n.capabilities,
      aggregates: n.aggregates,
      metrics: n.metrics,
      num_instances: u.count,
      instance_uuids: u.uuids,
    };
  });
}
