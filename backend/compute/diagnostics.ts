// Nova's Diagnostics object for one guest, as the libvirt driver fills it: the hypervisor's
// statistics (vCPU times, disk counters) with what the instance record knows (its flavor's
// memory, its NICs, how long since it launched).
import type { Instance } from '../../contract/model.js';
import type { InstanceDiagnostics } from '../rpc/compute-api.js';
import type { Accelerator, GuestPowerState, GuestStats } from './driver.js';

const NIC_COUNTERS = [
  'rx_octets',
  'rx_errors',
  'rx_drop',
  'rx_packets',
  'rx_rate',
  'tx_octets',
  'tx_errors',
  'tx_drop',
  'tx_packets',
  'tx_rate',
];

/** Pure. NIC counters are null: the lab's user-mode network has no tap device to count on
 *  (Nova reports a NIC without a target device the same way). */
export function instanceDiagnostics(
  inst: Instance,
  state: GuestPowerState,
  stats: GuestStats,
  accel: Accelerator | 'fake',
  now: Date,
): InstanceDiagnostics {
  const launched = inst.launched_at ? Date.parse(inst.launched_at) : NaN;
  const nics = inst.addresses.map((a) => ({
    mac_address: a.mac,
    ...Object.fromEntries(NIC_COUNTERS.map((k) => [k, null])),
  }));
  return {
    state,
    driver: 'libvirt',
    hypervisor: accel === 'kvm' ? 'kvm' : 'qemu',
    hypervisor_os: 'linux',
    uptime: Number.isFinite(launched) ? Math.max(0, Math.floor((now.getTime() - launched) / 1000)) : null,
    config_drive: false,
    num_cpus: stats.cpus.length,
    num_nics: nics.length,
    num_disks: stats.disks.length,
    cpu_details: stats.cpus.map((c) => ({ id: c.id, time: c.timeNs, utilisation: null })),
    nic_details: nics,
    disk_details: stats.disks.map((d) => ({
      read_bytes: d.readBytes,
      read_requests: d.readRequests,
      write_bytes: d.writeBytes,
      write_requests: d.writeRequests,
      errors_count: d.errors,
    })),
    memory_details: { maximum: inst.flavor.ram, used: stats.memoryUsedMb ?? inst.flavor.ram },
  };
}
