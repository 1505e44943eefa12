// Builders for scheduler tests (here and in other services' tests): a plausible HostState,
// Flavor, image and RequestSpec, each with overrides. free_ram_mb and free_disk_mb follow
// the usage fields unless overridden.
import type { FilterVerdict, HostState, RequestSpec } from '../../contract/scheduler.js';
import { messageText } from '../../contract/messages.js';
import type { Flavor, ImageMeta } from '../../contract/model.js';
import type { ConductorApi } from '../rpc/conductor-api.js';

type HostOverrides = Partial<Omit<HostState, 'service'>> & { service?: Partial<HostState['service']> };

/** A healthy 4-vCPU, 4 GB, 40 GB x86_64/qemu host named "host-a" in zone "nova". */
export function makeHost(overrides: HostOverrides = {}): HostState {
  const { service, ...rest } = overrides;
  const name = rest.host ?? 'host-a';
  const memory_mb = rest.memory_mb ?? 4096;
  const memory_mb_used = rest.memory_mb_used ?? 0;
  const local_gb = rest.local_gb ?? 40;
  const local_gb_used = rest.local_gb_used ?? 0;
  return {
    host: name,
    nodename: name,
    availability_zone: 'nova',
    vcpus: 4,
    vcpus_used: 0,
    memory_mb,
    memory_mb_used,
    free_ram_mb: memory_mb - memory_mb_used,
    local_gb,
    local_gb_used,
    free_disk_mb: (local_gb - local_gb_used) * 1024,
    cpu_allocation_ratio: 16.0,
    ram_allocation_ratio: 1.5,
    disk_allocation_ratio: 1.0,
    hypervisor_type: 'QEMU',
    hypervisor_version: 8002000,
    hypervisor_hostname: name,
    uuid: `uuid-${name}`,
    cpu_info: { arch: 'x86_64', model: 'qemu64', vendor: 'Intel', topology: { sockets: 1, cores: 4, threads: 1 }, features: [] },
    supported_instances: [['x86_64', 'qemu', 'hvm']],
    capabilities: {},
    aggregates: [],
    metrics: {},
    num_instances: 0,
    instance_uuids: [],
    ...rest,
    service: { up: true, disabled: false, disabled_reason: null, forced_down: false, ...service },
  };
}

/** m1.small-like: 1 vCPU, 2048 MB, 20 GB root. */
export function makeFlavor(overrides: Partial<Flavor> = {}): Flavor {
  return {
    id: '2',
    name: 'm1.small',
    vcpus: 1,
    ram: 2048,
    disk: 20,
    ephemeral: 0,
    swap: 0,
    rxtx_factor: 1.0,
    is_public: true,
    disabled: false,
    description: null,
    extra_specs: {},
    ...overrides,
  };
}

/** A cirros-like image with no scheduling properties. */
export function makeImage(overrides: Partial<ImageMeta> = {}): ImageMeta {
  return {
    id: 'image-1',
    name: 'cirros',
    disk_format: 'qcow2',
    container_format: 'bare',
    min_ram: 0,
    min_disk: 0,
    size: 16_000_000,
    properties: {},
    ...overrides,
  };
}

type SpecOverrides = Partial<Omit<RequestSpec, 'flavor' | 'image'>> & {
  flavor?: Partial<Flavor>;
  image?: Partial<ImageMeta>;
};

/** A request for one instance of makeFlavor() from makeImage(), no zone, no group. */
export function makeSpec(overrides: SpecOverrides = {}): RequestSpec {
  const { flavor, image, ...rest } = overrides;
  return {
    instance_uuid: 'instance-1',
    project_id: 'project-1',
    num_instances: 1,
    flavor: makeFlavor(flavor),
    image: makeImage(image),
    availability_zone: null,
    force_host: null,
    retry: { num_attempts: 1, hosts: [] },
    scheduler_hints: {},
    instance_group: null,
    ...rest,
  };
}

/** A deterministic stand-in for Math.random that returns the given values in turn. */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** A filter's verdict as the trace's English reason (filters answer by code: contract/messages.ts). */
export const verdictText = (v: FilterVerdict): true | string => (v === true ? true : messageText(v));

/** A trace's rejections as host and English reason (the code beside each is checked by test/unit/messages.test.ts). */
export const reasonsOnly = (rejected: readonly { host: string; reason: string }[]) =>
  rejected.map(({ host, reason }) => ({ host, reason }));

/** What an 8-vCPU x86_64 nova-compute reports to the conductor (compute_node_update), no overcommit. */
export function makeNodeReport(host: string, memory_mb: number): Parameters<ConductorApi['compute_node_update']>[0] {
  return {
    host,
    hypervisor_hostname: host,
    availability_zone: 'nova',
    vcpus: 8,
    memory_mb,
    local_gb: 100,
    hypervisor_type: 'QEMU',
    hypervisor_version: 8002000,
    cpu_info: { arch: 'x86_64' },
    supported_instances: [['x86_64', 'qemu', 'hvm']],
    capabilities: {},
    aggregates: [],
    metrics: {},
    accelerator: 'fake',
    accelerator_reason: '',
    cpu_allocation_ratio: 1,
    ram_allocation_ratio: 1,
    disk_allocation_ratio: 1,
  };
}
