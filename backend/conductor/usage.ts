// Pure accounting: what a host's instances use, whether one more fits, and the scheduler's
// view of each host. Usage is always derived from the instance records, never kept as a
// separate counter, so it cannot drift.
import type { ComputeNode, Flavor, Instance } from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import type { HostState, ResourceLimits } from '../../contract/scheduler.js';
import { serviceIsUp } from '../shared/service-health.js';
import { claimFits, hostCapacity, instanceDiskGb } from '../shared/claims.js';
import { hostZone } from '../shared/host-zone.js';

export interface HostUsage {
  vcpus: number;
  ram: number;
  disk: number;
  count: number;
  uuids: string[];
  /** I/O-heavy operations under way (Nova's io_workload); absent counts as 0. */
  io_ops?: number;
}

/** Task states Nova's io_workload counts (with vm_state building): resizes, rebuilds, snapshots, backups, rescues, unshelves. */
const IO_TASK_STATES: ReadonlySet<string> = new Set([
  'resize_migrating',
  'rebuilding',
  'resize_prep',
  'image_snapshot',
  'image_backup',
  'rescuing',
  'unshelving',
]);

/** 1 per I/O-heavy state the instance is in (a building instance, a rebuild, a snapshot…). */
export function ioOpsOf(i: Pick<Instance, 'vm_state' | 'task_state'>): number {
  return (i.vm_state === 'building' ? 1 : 0) + (i.task_state !== null && IO_TASK_STATES.has(i.task_state) ? 1 : 0);
}

/** Instances that hold resources on their host (deleted ones and ones in ERROR without a host do not). */
export const holdsResources = (i: Instance) => i.vm_state !== 'deleted' && i.host !== null;

export function usageByHost(instances: Iterable<Instance>): Map<string, HostUsage> {
  const out = new Map<string, HostUsage>();
  // `resident`: the instance is on this host (Nova's running_vms and host_state.instances count
  // only those); a move's other claim adds its resources alone.
  const add = (host: string, i: Instance, flavor: Instance['flavor'], resident: boolean) => {
    const u = out.get(host) ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [], io_ops: 0 };
    u.vcpus += flavor.vcpus;
    u.ram += flavor.ram;
    u.disk += instanceDiskGb(flavor);
    if (resident) {
      u.count += 1;
      u.uuids.push(i.uuid);
      u.io_ops = (u.io_ops ?? 0) + ioOpsOf(i);
    }
    out.set(host, u);
  };
  for (const i of instances) {
    if (!holdsResources(i)) continue;
    add(i.host!, i, i.flavor, true);
    const other = moveClaim(i);
    if (other) add(other.host, i, other.flavor, false);
  }
  return out;
}

/**
 * The second claim of an instance being resized or migrated (Nova's migration context): until
 * the move is confirmed or reverted, the host it is not on keeps (source) or already holds
 * (destination) its flavor there. null when nothing is being moved or no destination is claimed.
 */
export function moveClaim(i: Pick<Instance, 'host' | 'migration_context'>): { host: string; flavor: Instance['flavor'] } | null {
  const m = i.migration_context;
  if (!m || !m.dest_host || !i.host) return null;
  // Before the hand-over the instance is the source's (old flavor) and the destination holds the
  // new one; after it, the other way round. A resize on the same host counts both there.
  return m.at_dest ? { host: m.source_host, flavor: m.old_flavor } : { host: m.dest_host, flavor: m.new_flavor };
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
  failedBuilds: Readonly<Record<string, number>> = {},
): HostState[] {
  return nodes.map((n) => {
    const svc = services.find((s) => s.binary === 'nova-compute' && s.host === n.host);
    const u = usage.get(n.host) ?? NO_USAGE;
    const least = n.disk_available_least ?? null;
    return {
      host: n.host,
      nodename: n.hypervisor_hostname,
      availability_zone: hostZone(n.aggregates, n.availability_zone),
      ...hostCapacity(n, u),
      free_ram_mb: n.memory_mb - u.ram,
      free_disk_mb: freeDiskMb(n.local_gb - u.disk, least),
      disk_available_least: least,
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
      num_io_ops: u.io_ops ?? 0,
      failed_builds: Object.hasOwn(failedBuilds, n.host) ? failedBuilds[n.host]! : 0,
    };
  });
}

/**
 * Free disk as Nova's HostState counts it: free_gb = local_gb − used, or the hypervisor's
 * disk_available_least when it reports less (qcow2 overlays grow towards their virtual size).
 */
export function freeDiskMb(freeGb: number, diskAvailableLeast: number | null): number {
  return (diskAvailableLeast !== null && diskAvailableLeast < freeGb ? diskAvailableLeast : freeGb) * 1024;
}
