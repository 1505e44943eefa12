// Nova's HostState.consume_from_request: once an instance of a multi-create is placed, the
// next instance of the same request sees the host with that instance's resources used
// (RAM, vCPUs, root + ephemeral disk; swap is not counted), one more instance on it, and one
// more I/O-heavy operation (its build).
// It changes the request's own copy of the host state, never the conductor's records.
import type { HostState } from '../../contract/scheduler.js';
import type { Flavor } from '../../contract/model.js';
import { instanceDiskGb } from '../shared/claims.js';

export function consumeFromRequest(host: HostState, flavor: Pick<Flavor, 'vcpus' | 'ram' | 'disk' | 'ephemeral' | 'swap'>): void {
  const diskGb = instanceDiskGb(flavor);
  host.vcpus_used += flavor.vcpus;
  host.memory_mb_used += flavor.ram;
  host.free_ram_mb -= flavor.ram;
  host.local_gb_used += diskGb;
  host.free_disk_mb -= diskGb * 1024;
  host.num_instances += 1;
  host.num_io_ops = (host.num_io_ops ?? 0) + 1;
}
