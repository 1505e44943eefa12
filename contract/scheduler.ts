// What the filter scheduler decides on and what it reports about each decision.
import type { Flavor, ImageMeta, ServerGroupPolicy, SupportedInstance } from './model.js';
import type { LabMessage } from './messages.js';

/** One host as the scheduler sees it (Nova's HostState): capacity, usage, service health. */
export interface HostState {
  host: string;
  nodename: string;
  availability_zone: string;
  vcpus: number;
  vcpus_used: number;
  memory_mb: number;
  memory_mb_used: number;
  free_ram_mb: number;
  local_gb: number;
  local_gb_used: number;
  free_disk_mb: number;
  cpu_allocation_ratio: number;
  ram_allocation_ratio: number;
  disk_allocation_ratio: number;
  /** The nova-compute service of this host: down (no heartbeat within service_down_time) or disabled. */
  service: { up: boolean; disabled: boolean; disabled_reason: string | null; forced_down: boolean };
  hypervisor_type: string;
  hypervisor_version: number;
  /** The compute node's name and uuid (Nova's hypervisor_hostname, uuid). */
  hypervisor_hostname: string;
  uuid: string;
  /**
   * What the driver reports of the host CPU (Nova's cpu_info: arch, model, vendor, topology,
   * features), read by ComputeCapabilitiesFilter as "capabilities:cpu_info:arch".
   */
  cpu_info: Record<string, unknown>;
  supported_instances: SupportedInstance[];
  capabilities: Record<string, string>;
  aggregates: { name: string; metadata: Record<string, string> }[];
  metrics: Record<string, number>;
  num_instances: number;
  instance_uuids: string[];
  /** Instances on the host building, resizing, rebuilding, snapshotting, rescuing or unshelving (Nova's io_workload). */
  num_io_ops?: number;
  /** Builds that failed on this host since its last successful one (BuildFailureWeigher). */
  failed_builds?: number;
  /** Free disk the hypervisor reports, in GB, when it knows it (free_disk_mb uses the smaller). */
  disk_available_least?: number | null;
}

/**
 * The hint Nova's API sets on a rebuild with a new image (scheduler_hints._nova_check_type =
 * ['rebuild']): the instance's own host is forced, yet the filters that check an image run on
 * it (RUN_ON_REBUILD), and nothing is claimed — the instance already holds its resources there.
 */
export const CHECK_TYPE_HINT = '_nova_check_type';

export interface RequestSpec {
  instance_uuid: string;
  project_id: string;
  num_instances: number;
  flavor: Flavor;
  image: ImageMeta;
  /** Requested zone; "zone:host" forcing is resolved by the API into force_host. */
  availability_zone: string | null;
  force_host: string | null;
  /** Hosts already tried for this instance (RetryFilter). */
  retry: { num_attempts: number; hosts: string[] };
  scheduler_hints: Record<string, string | string[]>;
  /**
   * Server group membership: the host of each other member already placed (a host appears once
   * per member on it), and for anti-affinity how many members a host may hold (default 1).
   * `name`: what the learner called the group, so explanations can say it (Nova's InstanceGroup.name).
   */
  instance_group: {
    uuid: string;
    name?: string;
    policy: ServerGroupPolicy;
    member_hosts: string[];
    max_server_per_host?: number;
  } | null;
  /** A resize or cold migration (absent for a boot): the claim is the migration's, on the destination. */
  move?: MoveRequest;
}

/** What a resize or cold migration adds to the request (Nova's RequestSpec.ignore_hosts and requested_destination). */
export interface MoveRequest {
  kind: 'resize' | 'migrate';
  migration_id: number;
  /** Hosts removed before filtering: the current host unless allow_resize_to_same_host (never for a migrate). */
  ignore_hosts: string[];
  /** The host an admin asked for (migrate, 2.56): the only candidate, still filtered. */
  requested_host: string | null;
}

/**
 * The oversubscription limits the enabled resource filters set for a host (Nova's
 * host_state.limits, before Placement): RamFilter sets memory_mb, CoreFilter vcpu, DiskFilter
 * disk_gb. They travel with the decision to the claim, which enforces exactly these; a
 * resource without a limit is unlimited (its filter was not enabled, or the host was forced).
 */
export interface ResourceLimits {
  memory_mb?: number;
  vcpu?: number;
  disk_gb?: number;
}

/** A filter says yes (true) or no, with the reason a learner can read, by code (contract/messages.ts). */
export type FilterVerdict = true | LabMessage;

export interface SchedulerFilterTrace {
  name: string;
  /** Hosts entering this filter. */
  start: number;
  /** Hosts passing it. */
  end: number;
  passed: string[];
  /** `reason`: the English text (API, CLI, logs); `message`: the same by code, for the GUI to translate. */
  rejected: { host: string; reason: string; message?: LabMessage }[];
}

export interface SchedulerWeigherTrace {
  name: string;
  multiplier: number;
  /** Per host, when an aggregate's metadata sets this weigher's multiplier for some hosts. */
  multipliers?: Record<string, number>;
  raw: Record<string, number>;
  /** Normalised to 0..1 across the candidate hosts (Nova's normalize()). */
  normalized: Record<string, number>;
}

/** The whole explanation of one scheduling decision. */
export interface ScheduleTrace {
  request_id: string;
  instance_uuid: string;
  attempt: number;
  started_at: string;
  hosts: string[];
  filters: SchedulerFilterTrace[];
  weighers: SchedulerWeigherTrace[];
  /** Final weights, best first. */
  ranking: { host: string; weight: number }[];
  subset_size: number;
  subset: string[];
  chosen: string | null;
  /** The limits the enabled filters set for the chosen host; the claim enforces only these. */
  limits?: ResourceLimits;
  /** For a NoValidHost: the filter that emptied the list. */
  emptied_by: string | null;
  error: string | null;
  /** `error` by code, for the GUI to translate (absent in older traces). */
  error_message?: LabMessage | null;
  /** What caused this scheduling: a boot (absent in older traces), a resize, a cold migration or an unshelve. */
  kind?: 'boot' | 'resize' | 'migrate' | 'unshelve' | 'rebuild';
}
