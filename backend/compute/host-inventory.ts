// Pure: what a lab host reports to the conductor — its topology inventory, the allocation
// ratios of its nova.conf, and only the (arch, hypervisor_type, vm_mode) triples that both
// the topology offers and the driver proved it can run (kvm only after a probe boot).
import type { ComputeNode, LabHost, SupportedInstance } from '../../contract/model.js';
import type { DriverHostReport } from './driver.js';
import { hostZone } from '../shared/host-zone.js';

export function supportedTriples(host: LabHost, report: DriverHostReport): SupportedInstance[] {
  return report.supported_instances.filter(([arch, hv]) => host.architectures.includes(arch) && host.hypervisor_types.includes(hv));
}

export function nodeReport(
  host: LabHost,
  report: DriverHostReport,
  ratios: { cpu: number; ram: number; disk: number },
  diskAvailableLeast: number | null = null,
): Omit<ComputeNode, 'id' | 'uuid' | 'updated_at' | 'vcpus_used' | 'memory_mb_used' | 'local_gb_used' | 'running_vms'> {
  const triples = supportedTriples(host, report);
  const hvTypes = [...new Set(triples.map(([, hv]) => hv))];
  return {
    host: host.name,
    hypervisor_hostname: host.name,
    // An aggregate's availability_zone metadata puts the host in that zone (Nova).
    availability_zone: hostZone(host.aggregates, host.availability_zone),
    vcpus: host.vcpus,
    memory_mb: host.memory_mb,
    local_gb: host.disk_gb,
    hypervisor_type: report.accelerator === 'fake' ? 'fake' : 'QEMU',
    hypervisor_version: report.hypervisor_version,
    cpu_info: { ...report.cpu_info, arch: host.architectures[0], topology: { cores: host.vcpus, threads: 1, sockets: 1 } },
    supported_instances: triples,
    capabilities: host.capabilities,
    aggregates: host.aggregates,
    metrics: host.metrics,
    accelerator: hvTypes.includes('kvm') ? 'kvm' : report.accelerator === 'fake' ? 'fake' : 'tcg',
    accelerator_reason: report.acceleratorReason,
    cpu_allocation_ratio: ratios.cpu,
    ram_allocation_ratio: ratios.ram,
    disk_allocation_ratio: ratios.disk,
    disk_available_least: diskAvailableLeast,
  };
}

/** A MAC in OpenStack's fa:16:3e prefix and a fixed IP, both derived from the instance. */
export function allocateNetwork(uuid: string, seq: number): { mac: string; ip: string } {
  const hex = uuid.replace(/-/g, '');
  const mac = ['fa', '16', '3e', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)].join(':');
  const n = seq % 60000;
  return { mac, ip: `169.254.${10 + Math.floor(n / 250)}.${(n % 250) + 2}` };
}
