// The data model of the lab's compute service, as the conductor stores it and the
// API, scheduler, compute hosts and GUI read it.

export type VmState =
  | 'building'
  | 'active'
  | 'stopped'
  | 'paused'
  | 'suspended'
  | 'error'
  | 'deleted'
  /** Shelved: snapshotted and stopped, still on its host; offloaded: the host is freed. */
  | 'shelved'
  | 'shelved_offloaded'
  | 'resized';

/** Every status a server list may be filtered by (Nova's API status), and the vm_state it lives in. */
export const STATUS_VM_STATE: Readonly<Record<string, VmState>> = {
  ACTIVE: 'active',
  BUILD: 'building',
  SHUTOFF: 'stopped',
  PAUSED: 'paused',
  SUSPENDED: 'suspended',
  ERROR: 'error',
  DELETED: 'deleted',
  REBOOT: 'active',
  HARD_REBOOT: 'active',
  REBUILD: 'active',
  SHELVED: 'shelved',
  SHELVED_OFFLOADED: 'shelved_offloaded',
  VERIFY_RESIZE: 'resized',
};
/** Task states of a build in progress: a build's own updates expect one of these (not a delete's). */
export const BUILD_TASK_STATES = [null, 'scheduling', 'networking', 'block_device_mapping', 'spawning'] as const;

export type TaskState =
  | null
  | 'scheduling'
  | 'networking'
  | 'block_device_mapping'
  | 'spawning'
  | 'powering-off'
  | 'powering-on'
  | 'rebooting'
  | 'reboot_pending'
  | 'reboot_started'
  | 'rebooting_hard'
  | 'reboot_pending_hard'
  | 'reboot_started_hard'
  | 'pausing'
  | 'unpausing'
  | 'suspending'
  | 'resuming'
  | 'rebuilding'
  | 'deleting'
  // snapshots, backups and shelving (Nova's task_states)
  | 'image_snapshot'
  | 'image_snapshot_pending'
  | 'image_pending_upload'
  | 'image_uploading'
  | 'image_backup'
  | 'shelving'
  | 'shelving_image_pending_upload'
  | 'shelving_image_uploading'
  | 'shelving_offloading'
  | 'unshelving'
  // resize and cold migrate (Nova's task_states.RESIZE_*)
  | 'resize_prep'
  | 'resize_migrating'
  | 'resize_migrated'
  | 'resize_finish'
  | 'resize_reverting'
  | 'resize_confirming';

/** Nova's power_state integers (nova/compute/power_state.py). */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;
export type PowerStateValue = (typeof PowerState)[keyof typeof PowerState];

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number; // MB
  disk: number; // GB
  ephemeral: number;
  swap: number; // MB
  rxtx_factor: number;
  is_public: boolean;
  disabled: boolean;
  description: string | null;
  extra_specs: Record<string, string>;
}

/** The image properties the scheduler and driver read (Glance's flattened properties). */
export interface ImageMeta {
  id: string;
  name: string;
  disk_format: string;
  container_format: string;
  min_ram: number;
  min_disk: number;
  size: number | null;
  /** The disk's size as the guest sees it (glance's virtual_size); absent in older records. */
  virtual_size?: number | null;
  properties: Record<string, string>;
}

export interface InstanceFault {
  code: number;
  message: string;
  details?: string;
  created: string;
}

export interface InstanceAddress {
  mac: string;
  ip: string;
  network: string;
}

export interface Instance {
  uuid: string;
  name: string;
  /** Guest hostname (sanitised name), served by the metadata service. */
  hostname: string;
  project_id: string;
  user_id: string;
  flavor: Flavor;
  image: ImageMeta;
  /** The kernel and ramdisk images nova-api resolved with the requester's own token (Nova's
   *  instance.kernel_id/ramdisk_id): the only ones nova-compute fetches besides the image. */
  kernel_id?: string | null;
  ramdisk_id?: string | null;
  /** The zone the user asked for (null: any). */
  requested_az: string | null;
  /** The zone of the host it landed on. */
  availability_zone: string | null;
  host: string | null;
  node: string | null;
  vm_state: VmState;
  task_state: TaskState;
  power_state: PowerStateValue;
  key_name: string | null;
  key_data: string | null;
  metadata: Record<string, string>;
  user_data: string | null; // base64, as the API received it
  description: string | null;
  tags: string[];
  /** The addresses the user says the server is reachable at (Nova's accessIPv4/v6; not checked). */
  access_ip_v4?: string | null;
  access_ip_v6?: string | null;
  locked: boolean;
  locked_reason: string | null;
  addresses: InstanceAddress[];
  launch_index: number;
  reservation_id: string;
  created_at: string;
  updated_at: string;
  launched_at: string | null;
  terminated_at: string | null;
  fault: InstanceFault | null;
  /** While shelved (Nova's system_metadata shelved_*): the snapshot it comes back from, when
   *  it was shelved and on which host. */
  shelved_image_id?: string | null;
  shelved_at?: string | null;
  shelved_host?: string | null;
  /** The request that created it: ties the boot walkthrough to its events. */
  create_request_id: string;
  /** Ordinal used for instance_name (instance-0000000a). */
  seq: number;
  /** While a resize or cold migration is under way or awaits confirmation (Nova's migration context). */
  migration_context?: MigrationContext | null;
}

/**
 * Nova's MigrationContext: an instance being moved is counted on both hosts until the move is
 * confirmed or reverted — the old flavor on the source, the new one on the destination.
 */
export interface MigrationContext {
  migration_id: number;
  kind: 'resize' | 'migration';
  old_flavor: Flavor;
  new_flavor: Flavor;
  source_host: string;
  source_node: string | null;
  source_az: string | null;
  /** null until the scheduler has claimed a destination. */
  dest_host: string | null;
  dest_node: string | null;
  dest_az: string | null;
  /** The vm_state before the move: a stopped guest stays stopped (Nova's old_vm_state). */
  old_vm_state: VmState;
  /** true once the source handed the instance over (host = destination, flavor = new one). */
  at_dest: boolean;
}

/** A row of Nova's migrations table (os-migrations). */
export interface Migration {
  id: number;
  uuid: string;
  instance_uuid: string;
  /** resize | migration (cold migrate). */
  migration_type: 'resize' | 'migration';
  /** pre-migrating → migrating → post-migrating → finished → confirming → confirmed; reverting → reverted; error. */
  status: string;
  source_compute: string | null;
  source_node: string | null;
  dest_compute: string | null;
  dest_node: string | null;
  dest_host: string | null;
  old_instance_type_id: number | null;
  new_instance_type_id: number | null;
  user_id: string;
  project_id: string;
  hidden: boolean;
  created_at: string;
  updated_at: string | null;
}

/**
 * An instance as lists carry it: the image reduced to its id and name, since the snapshot of the
 * image's properties is a third of a record and no list view shows it.
 */
export type ListedInstance = Omit<Instance, 'image'> & {
  image: Pick<ImageMeta, 'id' | 'name'>;
};

/**
 * Server group policies: the hard ones are enforced (ServerGroup(Anti)AffinityFilter and the
 * conductor's claims), the soft ones only weighed (ServerGroupSoft(Anti)AffinityWeigher).
 */
export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

/** A server group (os-server-groups): its members are placed by its policy. */
export interface ServerGroup {
  id: string;
  name: string;
  policy: ServerGroupPolicy;
  /** From 2.64: anti-affinity may allow up to max_server_per_host members per host (default 1). */
  rules: { max_server_per_host?: number };
  /** Instance uuids, in the order they joined; a deleted instance leaves. */
  members: string[];
  project_id: string;
  user_id: string;
  created_at: string;
}

export interface InstanceActionEvent {
  event: string;
  start_time: string;
  finish_time: string | null;
  result: 'Success' | 'Error' | null;
  traceback: string | null;
  host: string | null;
  details: string | null;
}

export interface InstanceAction {
  action: string;
  instance_uuid: string;
  request_id: string;
  user_id: string;
  project_id: string;
  start_time: string;
  updated_at: string;
  message: string | null;
  events: InstanceActionEvent[];
}

export interface KeyPair {
  name: string;
  user_id: string;
  public_key: string;
  fingerprint: string;
  type: 'ssh' | 'x509';
  created_at: string;
  id: number;
}

export interface QuotaSet {
  instances: number;
  cores: number;
  ram: number;
  key_pairs: number;
  metadata_items: number;
  server_groups: number;
  server_group_members: number;
  injected_files: number;
  injected_file_content_bytes: number;
  injected_file_path_bytes: number;
}

/** (architecture, hypervisor_type, vm_mode), as Nova's supported_instances. */
export type SupportedInstance = [arch: string, hvType: string, vmMode: string];

/** What one lab host is, from the topology file. */
export interface LabHost {
  name: string;
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
  availability_zone: string;
  /** Free-form capabilities matched by ComputeCapabilitiesFilter (e.g. "ssd": "true"). */
  capabilities: Record<string, string>;
  architectures: string[]; // e.g. ["x86_64", "aarch64"]
  hypervisor_types: string[]; // "qemu" (TCG); "kvm" only where a probe proved it
  aggregates: { name: string; metadata: Record<string, string> }[];
  /** Metrics the host reports for MetricsWeigher (name -> value). */
  metrics: Record<string, number>;
}

/**
 * A host aggregate as nova-conductor stores it (Nova's Aggregate object). Its zone is not a
 * field of its own: as in Nova, it is the `availability_zone` key of its metadata.
 */
export interface Aggregate {
  id: number;
  uuid: string;
  name: string;
  hosts: string[];
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string | null;
}

/** What a compute host reports (through the conductor) and the scheduler reads. */
export interface ComputeNode {
  host: string;
  hypervisor_hostname: string;
  id: number;
  uuid: string;
  availability_zone: string;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  running_vms: number;
  hypervisor_type: string;
  hypervisor_version: number;
  cpu_info: Record<string, unknown>;
  supported_instances: SupportedInstance[];
  capabilities: Record<string, string>;
  aggregates: { name: string; metadata: Record<string, string> }[];
  metrics: Record<string, number>;
  accelerator: string; // "tcg" | "kvm" | "hvf" | "whpx" | "fake"
  /** Why that accelerator (e.g. "kvm: probe boot produced no output in 5 s; using tcg"). */
  accelerator_reason: string;
  cpu_allocation_ratio: number;
  ram_allocation_ratio: number;
  disk_allocation_ratio: number;
  /** Free disk the hypervisor reports, in whole GB (libvirt's disk_available_least); absent: unknown. */
  disk_available_least?: number | null;
  updated_at: string;
}
