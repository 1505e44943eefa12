// nova-conductor's RPC interface (topic "conductor"). The conductor is the only process that
// opens nova's database; every other service reaches data through these methods.
import type {
  Aggregate,
  ComputeNode,
  Flavor,
  Instance,
  InstanceAction,
  ListedInstance,
  ServerGroup,
  KeyPair,
  Migration,
  QuotaSet,
  TaskState,
  VmState,
} from '../../contract/model.js';
import type { ServiceBinary, ServiceRecord } from '../../contract/services.js';
import type { InstanceMatch } from '../shared/instance-match.js';
import type { BootImage } from './compute-api.js';
import type { HostState, RequestSpec, ResourceLimits, ScheduleTrace } from '../../contract/scheduler.js';

/** The answer of instance_list_since. */
export interface InstanceListSince {
  generation: string;
  instances: ListedInstance[] | null;
}

/** What a server list asks for (instance-match.ts), then its page: nova-conductor cuts it, only the page crosses the bus. */
export interface InstanceFilter extends InstanceMatch {
  project_id?: string; // omit for all projects (admin)
  name?: string; // regex, as Nova
  status?: string; // API status (ACTIVE, BUILD…), mapped by the caller to vm_state
  vm_state?: VmState;
  host?: string;
  include_deleted?: boolean;
  limit?: number;
  marker?: string;
}

/** Fields an update may change; `expect` makes it a compare-and-set (409 when it does not hold). */
export type InstancePatch = Partial<Omit<Instance, 'uuid' | 'seq' | 'created_at'>>;
export interface InstanceExpect {
  vm_state?: VmState[];
  task_state?: TaskState[];
}

export interface ClaimResult {
  ok: boolean;
  reason: string | null;
  instance: Instance | null;
}

export interface QuotaUsage {
  instances: number;
  cores: number;
  ram: number;
  key_pairs: number;
  server_groups: number;
}

/** What simple tenant usage reads of an instance (os-simple-tenant-usage). */
export interface UsageInstance {
  uuid: string;
  name: string;
  project_id: string;
  vm_state: VmState;
  launched_at: string | null;
  terminated_at: string | null;
  flavor: Pick<Flavor, 'name' | 'ram' | 'disk' | 'ephemeral' | 'vcpus'>;
}

/** os-migrations' filters (each optional; `host` matches the source or the destination). */
export interface MigrationFilter {
  instance_uuid?: string;
  status?: string;
  statuses?: string[];
  migration_type?: string;
  source_compute?: string;
  host?: string;
  user_id?: string;
  project_id?: string;
}

/** A resize (a new flavor) or a cold migration (flavor null), as nova-api hands it to the conductor. */
export interface MoveServerRequest {
  instance_uuid: string;
  flavor: Flavor | null;
  /** migrate at 2.56: the host an admin asked for. */
  host: string | null;
  user_id: string;
}

export interface ConductorApi {
  // services (nova service-list)
  service_heartbeat(binary: ServiceBinary, host: string, zone: string): Promise<ServiceRecord>;
  service_list(filter?: { binary?: string; host?: string }): Promise<ServiceRecord[]>;
  service_update(
    idOrUuid: string,
    patch: { disabled?: boolean; disabled_reason?: string | null; forced_down?: boolean },
  ): Promise<ServiceRecord | null>;
  service_delete(idOrUuid: string): Promise<boolean>;

  // compute hosts' reports and the scheduler's view
  compute_node_update(
    node: Omit<ComputeNode, 'id' | 'uuid' | 'updated_at' | 'vcpus_used' | 'memory_mb_used' | 'local_gb_used' | 'running_vms'>,
  ): Promise<ComputeNode>;
  compute_node_list(): Promise<ComputeNode[]>;
  /**
   * Every host as the scheduler sees it; `instance_uuids` names at most `forInstance` (the
   * instance being placed, where it already is), never other instances: the reply shows in the
   * requesting project's event view. `hinted`: instances the request's same_host /
   * different_host hints name, which `instance_uuids` also keeps where they are.
   */
  host_states(forInstance?: string, hinted?: string[]): Promise<HostState[]>;

  // host aggregates (os-aggregates). A refused change is a BusFailure with Nova's exception
  // name, the status nova-api answers with and Nova's message.
  aggregate_list(): Promise<Aggregate[]>;
  aggregate_get(id: number): Promise<Aggregate | null>;
  aggregate_create(a: { name: string; availability_zone?: string | null }): Promise<Aggregate>;
  /** PUT: a new name and/or zone (the zone is stored as `availability_zone` metadata). */
  aggregate_update(id: number, patch: { name?: string; availability_zone?: string | null }): Promise<Aggregate>;
  /** Refused (400) while the aggregate still has hosts. */
  aggregate_delete(id: number): Promise<void>;
  aggregate_add_host(id: number, host: string): Promise<Aggregate>;
  aggregate_remove_host(id: number, host: string): Promise<Aggregate>;
  /** A null value removes its key. */
  aggregate_set_metadata(id: number, metadata: Record<string, string | null>): Promise<Aggregate>;

  // instances
  /**
   * Records the instances; with `group`, they join that server group in the same write, unless
   * the group is gone (404) or would exceed `max_members` (403, Nova's quota message).
   */
  instance_create(instances: Instance[], group?: { id: string; max_members: number }): Promise<Instance[]>;
  instance_get(uuid: string, opts?: { include_deleted?: boolean }): Promise<Instance | null>;
  instance_list(filter: InstanceFilter): Promise<ListedInstance[]>;
  /**
   * instance_list, unless no instance record changed since `known` (a generation this method
   * returned): then `instances` is null and the caller's copy is current.
   */
  instance_list_since(filter: InstanceFilter, known: string | null): Promise<InstanceListSince>;
  instance_update(uuid: string, patch: InstancePatch, expect?: InstanceExpect): Promise<Instance>;
  /** Marks deleted and releases its resources. */
  instance_destroy(uuid: string): Promise<Instance | null>;
  /**
   * Atomically place an instance on a host if its flavor still fits under `limits`, those the
   * scheduler's enabled filters set for that host (Nova's compute claim before Placement):
   * a resource without a limit is not checked.
   */
  instance_claim(uuid: string, host: string, limits?: ResourceLimits): Promise<ClaimResult>;

  // instance actions (server event list)
  action_start(a: Omit<InstanceAction, 'events' | 'updated_at'>): Promise<InstanceAction>;
  action_event_start(instance_uuid: string, request_id: string, event: string, host: string | null): Promise<void>;
  action_event_finish(
    instance_uuid: string,
    request_id: string,
    event: string,
    result: 'Success' | 'Error',
    details?: string | null,
    traceback?: string | null,
  ): Promise<void>;
  action_list(instance_uuid: string): Promise<InstanceAction[]>;
  action_get(instance_uuid: string, request_id: string): Promise<InstanceAction | null>;

  // server groups (os-server-groups)
  server_group_create(g: ServerGroup): Promise<ServerGroup>;
  server_group_get(id: string): Promise<ServerGroup | null>;
  server_group_list(filter: { project_id?: string; member?: string }): Promise<ServerGroup[]>;
  server_group_delete(id: string): Promise<boolean>;
  /** What the scheduler is told of an instance's group: its policy and where the other members are. */
  instance_group_spec(uuid: string): Promise<RequestSpec['instance_group']>;

  // flavors
  /**
   * With `include_private`, every flavor; otherwise the public ones and the private ones
   * `project_id` was given access to (Nova's flavor query with is_public=True).
   */
  flavor_list(opts?: { include_private?: boolean; project_id?: string }): Promise<Flavor[]>;
  /**
   * With `visibleTo`, as that project's query finds it (Nova's non-admin flavor query): a
   * private flavor the project was not given access to is null. Answers only that flavor, so
   * the event a member reads of this call names no other project.
   */
  flavor_get(id: string, visibleTo?: string): Promise<Flavor | null>;
  flavor_create(f: Flavor): Promise<Flavor>;
  flavor_delete(id: string): Promise<boolean>;
  /** 2.55: only a flavor's description may change after it is created. */
  flavor_update(id: string, patch: { description: string | null }): Promise<Flavor | null>;
  flavor_extra_specs_update(id: string, specs: Record<string, string | null>): Promise<Flavor | null>;
  /** The projects given access to a flavor (os-flavor-access); null when there is no such flavor. */
  flavor_access_list(id: string): Promise<string[] | null>;
  /** Refused: FlavorNotFound (404), FlavorAccessExists (409). Answers the new access list. */
  flavor_access_add(id: string, project_id: string): Promise<string[]>;
  /** Refused: FlavorNotFound (404), FlavorAccessNotFound (404). Answers the new access list. */
  flavor_access_remove(id: string, project_id: string): Promise<string[]>;

  // usage (os-simple-tenant-usage)
  /**
   * Instances active in [begin, end) (Nova's instance_get_active_by_window_joined): not
   * terminated before `begin`, launched before `end`, deleted ones included; ordered by
   * project and uuid; a page after `marker` (any instance's uuid, else MarkerNotFound, 400).
   */
  instance_usage_window(q: { begin: string; end: string; project_id?: string; limit?: number; marker?: string }): Promise<UsageInstance[]>;

  // key pairs (per user)
  keypair_list(user_id: string): Promise<KeyPair[]>;
  keypair_get(user_id: string, name: string): Promise<KeyPair | null>;
  keypair_create(k: Omit<KeyPair, 'id' | 'created_at'>): Promise<KeyPair>;
  keypair_delete(user_id: string, name: string): Promise<boolean>;

  // quotas
  quota_get(project_id: string): Promise<QuotaSet>;
  quota_update(project_id: string, values: Partial<QuotaSet>): Promise<QuotaSet>;
  quota_usage(project_id: string): Promise<QuotaUsage>;
  quota_defaults(): Promise<QuotaSet>;
  /** Drop a project's overrides: it has the defaults again. */
  quota_delete(project_id: string): Promise<void>;
  /** A quota class's stored values (os-quota-class-sets); class "default" sets every project's defaults. */
  quota_class_get(name: string): Promise<Record<string, number>>;
  quota_class_update(name: string, values: Record<string, number>): Promise<Record<string, number>>;

  // the build flow (cast from nova-api; the conductor asks the scheduler, then casts to compute)
  build_instances(instance_uuids: string[], spec: Omit<RequestSpec, 'instance_uuid' | 'retry'>): Promise<void>;
  /**
   * Cast by nova-api: a SHELVED instance is powered on by its host; a SHELVED_OFFLOADED one is
   * scheduled again (in `availability_zone` when given) and booted from its shelve image.
   */
  unshelve_instance(instance_uuid: string, availability_zone?: string | null): Promise<void>;
  /**
   * Cast by nova-api for a rebuild with a new image (task_state rebuilding, the record naming
   * the new image): the scheduler checks the image against the instance's own host, then that
   * host rebuilds. No valid host: ERROR on `orig`, the image the guest still runs, as Nova's.
   */
  rebuild_instance(instance_uuid: string, orig: BootImage): Promise<void>;
  /** Cast by a compute host whose spawn failed with a retryable error. */
  reschedule(instance_uuid: string, failed_host: string, reason: string): Promise<void>;

  // resize and cold migration (Nova's migrations table and the conductor's MigrationTask)
  /** Cast by nova-api once the instance is in task_state resize_prep: schedule it again, then prep_resize on the destination. */
  migrate_server(req: MoveServerRequest): Promise<void>;
  /** The scheduler's claim for a move: the new flavor on `host` under `limits`, the instance staying on its source. */
  migration_claim(migration_id: number, host: string, limits?: ResourceLimits): Promise<ClaimResult>;
  migration_get(id: number): Promise<Migration | null>;
  /** Newest first; hidden rows are left out. */
  migration_list(filter: MigrationFilter): Promise<Migration[]>;
  migration_update(id: number, patch: Partial<Pick<Migration, 'status'>>): Promise<Migration>;

  // scheduling explanations
  trace_save(trace: ScheduleTrace): Promise<void>;
  trace_list(instance_uuid: string): Promise<ScheduleTrace[]>;
  trace_get(request_id: string): Promise<ScheduleTrace[]>;
}
