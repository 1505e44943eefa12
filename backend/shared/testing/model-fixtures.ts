// Sample records of the contract's model for any service's tests: one of each, complete, overridable.
import type { ComputeNode, Flavor, Instance } from '../../../contract/model.js';
import type { ServiceRecord } from '../../../contract/services.js';

export const flavorFixture = (over: Partial<Flavor> = {}): Flavor => ({
  id: '1', name: 'm1.tiny', vcpus: 1, ram: 256, disk: 1, ephemeral: 0, swap: 0, rxtx_factor: 1,
  is_public: true, disabled: false, description: null, extra_specs: {}, ...over,
});

export const instanceFixture = (over: Partial<Instance> = {}): Instance => ({
  uuid: '11111111-2222-3333-4444-555555555555',
  name: 'vm1',
  hostname: 'vm1',
  project_id: 'p1',
  user_id: 'u1',
  flavor: flavorFixture(),
  image: { id: 'img-1', name: 'cirros', disk_format: 'qcow2', container_format: 'bare', min_ram: 0, min_disk: 0, size: 1024, properties: {} },
  requested_az: null,
  availability_zone: 'nova',
  host: 'host-a',
  node: 'host-a',
  vm_state: 'active',
  task_state: null,
  power_state: 1,
  key_name: null,
  key_data: null,
  metadata: {},
  user_data: null,
  description: null,
  tags: [],
  locked: false,
  locked_reason: null,
  addresses: [{ mac: 'fa:16:3e:00:00:01', ip: '169.254.10.3', network: 'novalab-user' }],
  launch_index: 0,
  reservation_id: 'r-abcdefgh',
  created_at: '2026-11-23T19:05:36.123Z',
  updated_at: '2026-11-23T19:05:40.456Z',
  launched_at: '2026-11-23T19:05:40.407Z',
  terminated_at: null,
  fault: null,
  create_request_id: 'req-create',
  seq: 10,
  ...over,
});

export const nodeFixture = (over: Partial<ComputeNode> = {}): ComputeNode => ({
  host: 'host-a', hypervisor_hostname: 'host-a', id: 3, uuid: 'c01ff7ff-a3bb-413a-b984-cb25a592f179', availability_zone: 'nova',
  vcpus: 4, memory_mb: 4096, local_gb: 40, vcpus_used: 1, memory_mb_used: 256, local_gb_used: 1, running_vms: 1,
  hypervisor_type: 'QEMU', hypervisor_version: 7002000,
  cpu_info: { arch: 'x86_64', model: 'qemu64', vendor: 'novalab', topology: { cores: 4, threads: 1, sockets: 1 }, features: [] },
  supported_instances: [['x86_64', 'qemu', 'hvm']], capabilities: {}, aggregates: [{ name: 'fast-storage', metadata: { ssd: 'true' } }],
  metrics: {}, accelerator: 'tcg', accelerator_reason: 'no kvm', cpu_allocation_ratio: 16, ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1, updated_at: new Date().toISOString(), ...over,
});

export const serviceFixture = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 5, uuid: '793969bb-c63c-4984-9124-47360788eae0', binary: 'nova-compute', host: 'host-a', zone: 'nova', disabled: false,
  disabled_reason: null, forced_down: false, updated_at: new Date().toISOString(), created_at: new Date().toISOString(), ...over,
});
