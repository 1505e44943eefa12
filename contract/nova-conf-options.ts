// Every nova.conf option the lab reads: its section, type, Nova's default and a short help.
// The backend parses and validates against this table; the GUI's configuration screen draws it.
import { DEFAULT_FILTERS, DEFAULT_WEIGHERS } from './scheduler-names.js';

/** A resolved option's value. */
export type ConfValue = number | boolean | string | string[];

export type OptionType = 'int' | 'float' | 'bool' | 'string' | 'list';

export interface ConfOption {
  section: string;
  name: string;
  type: OptionType;
  /** null: computed at start-up (e.g. worker counts default to the number of CPUs). */
  default: number | boolean | string | string[] | null;
  min?: number;
  help: string;
  /** Which service must be restarted for a change to apply. */
  applies_to: string;
}

/** An option whose section, name and type are kept as literal types, so keys can be typed. */
type DeclaredOption<S extends string, N extends string, T extends OptionType> = ConfOption & { section: S; name: N; type: T };

const o = <S extends string, N extends string, T extends OptionType>(
  section: S,
  name: N,
  type: T,
  def: ConfOption['default'],
  help: string,
  applies_to: string,
  min?: number,
): DeclaredOption<S, N, T> => ({ section, name, type, default: def, help, applies_to, ...(min === undefined ? {} : { min }) });

export const NOVA_CONF_OPTIONS = [
  o(
    'DEFAULT',
    'osapi_compute_workers',
    'int',
    null,
    'nova-api worker processes for the compute API (default: number of CPUs)',
    'nova-api',
    1,
  ),
  o('DEFAULT', 'metadata_workers', 'int', null, 'nova-api worker processes for the metadata API (default: number of CPUs)', 'nova-api', 1),
  o('DEFAULT', 'ec2_workers', 'int', null, 'nova-api worker processes for the EC2 API (default: number of CPUs)', 'nova-api', 1),
  o('DEFAULT', 'osapi_compute_listen', 'string', '127.0.0.1', 'address the compute API listens on', 'nova-api'),
  o('DEFAULT', 'osapi_compute_listen_port', 'int', 8774, 'port of the compute API', 'nova-api', 1),
  o('DEFAULT', 'metadata_listen', 'string', '127.0.0.1', 'address the metadata API listens on', 'nova-api'),
  o('DEFAULT', 'metadata_listen_port', 'int', 8775, 'port of the metadata API', 'nova-api', 1),
  o('DEFAULT', 'ec2_listen', 'string', '127.0.0.1', 'address the EC2 API listens on', 'nova-api'),
  o('DEFAULT', 'ec2_listen_port', 'int', 8773, 'port of the EC2 API', 'nova-api', 1),
  o(
    'DEFAULT',
    'scheduler_driver',
    'string',
    'nova.scheduler.filter_scheduler.FilterScheduler',
    'the scheduler driver (only the filter scheduler exists)',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'scheduler_default_filters',
    'list',
    [...DEFAULT_FILTERS],
    'filters applied in order; a host must pass all of them',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'scheduler_weight_classes',
    'list',
    [...DEFAULT_WEIGHERS],
    'weighers that rank the hosts that passed the filters',
    'nova-scheduler',
  ),
  o('DEFAULT', 'ram_allocation_ratio', 'float', 1.5, 'virtual RAM per physical RAM (RamFilter)', 'nova-compute', 0),
  o('DEFAULT', 'cpu_allocation_ratio', 'float', 16.0, 'virtual CPUs per physical core (CoreFilter)', 'nova-compute', 0),
  o('DEFAULT', 'disk_allocation_ratio', 'float', 1.0, 'virtual disk per physical disk (DiskFilter)', 'nova-compute', 0),
  o(
    'DEFAULT',
    'ram_weight_multiplier',
    'float',
    1.0,
    'positive: spread onto the host with most free RAM; negative: stack',
    'nova-scheduler',
  ),
  o('DEFAULT', 'cpu_weight_multiplier', 'float', 1.0, 'positive: prefer hosts with more free vCPUs', 'nova-scheduler'),
  o('DEFAULT', 'disk_weight_multiplier', 'float', 1.0, 'positive: prefer hosts with more free disk', 'nova-scheduler'),
  o(
    'DEFAULT',
    'soft_affinity_weight_multiplier',
    'float',
    1.0,
    'ServerGroupSoftAffinityWeigher: how strongly a soft-affinity group gathers on one host',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'soft_anti_affinity_weight_multiplier',
    'float',
    1.0,
    'ServerGroupSoftAntiAffinityWeigher: how strongly a soft-anti-affinity group spreads',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'io_ops_weight_multiplier',
    'float',
    -1.0,
    'IoOpsWeigher: negative prefers hosts with fewer builds, resizes and snapshots under way',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'build_failure_weight_multiplier',
    'float',
    1000000.0,
    'BuildFailureWeigher: how strongly a host with recent build failures is avoided',
    'nova-scheduler',
  ),
  o('DEFAULT', 'max_instances_per_host', 'int', 50, 'NumInstancesFilter: instances a host may hold', 'nova-scheduler', 1),
  o('DEFAULT', 'max_io_ops_per_host', 'int', 8, 'IoOpsFilter: builds, resizes, snapshots… a host may run at once', 'nova-scheduler', 0),
  o(
    'DEFAULT',
    'aggregate_image_properties_isolation_namespace',
    'string',
    '',
    'AggregateImagePropertiesIsolation: only aggregate keys in this namespace are compared (empty: all)',
    'nova-scheduler',
  ),
  o(
    'DEFAULT',
    'aggregate_image_properties_isolation_separator',
    'string',
    '.',
    'AggregateImagePropertiesIsolation: separator between the namespace and the key',
    'nova-scheduler',
  ),
  o('DEFAULT', 'scheduler_host_subset_size', 'int', 1, 'pick at random among this many best hosts', 'nova-scheduler', 1),
  o('DEFAULT', 'scheduler_max_attempts', 'int', 3, 'hosts tried for one instance before it goes to ERROR', 'nova-scheduler', 1),
  o(
    'DEFAULT',
    'allow_resize_to_same_host',
    'bool',
    false,
    'a resize may stay on its current host (DevStack sets it for single-host clouds); a cold migration never does',
    'nova-conductor',
  ),
  o(
    'DEFAULT',
    'default_availability_zone',
    'string',
    'nova',
    'the zone of a compute host that is in no aggregate with an availability_zone',
    'nova-conductor',
  ),
  o('DEFAULT', 'service_down_time', 'int', 60, 'seconds without a heartbeat after which a service is down', 'nova-scheduler', 1),
  o('DEFAULT', 'report_interval', 'int', 10, 'seconds between service heartbeats', 'nova-compute', 1),
  o(
    'DEFAULT',
    'use_local',
    'bool',
    false,
    'let compute hosts open the database themselves (not supported: the conductor is the only way in)',
    'nova-compute',
  ),
  o(
    'DEFAULT',
    'shelved_offload_time',
    'int',
    0,
    'seconds a shelved server keeps its host before it is offloaded (0: at once, -1: never)',
    'nova-compute',
    -1,
  ),
  o('DEFAULT', 'compute_driver', 'string', 'qemu', 'the hypervisor driver: qemu (real guests) or fake (no guests)', 'nova-compute'),
  o('DEFAULT', 'vnc_enabled', 'bool', true, 'give guests a VNC console', 'nova-compute'),
  o(
    'DEFAULT',
    'vncserver_listen',
    'string',
    '127.0.0.1',
    "address the guests' VNC servers listen on; not loopback: TCP with a per-instance VNC password",
    'nova-compute',
  ),
  o(
    'DEFAULT',
    'vncserver_proxyclient_address',
    'string',
    '127.0.0.1',
    "address the proxy uses to reach the guests' VNC servers",
    'nova-compute',
  ),
  o('DEFAULT', 'novncproxy_base_url', 'string', 'http://127.0.0.1:6080/vnc_auto.html', 'the console URL handed to users', 'nova-api'),
  o('DEFAULT', 'novncproxy_host', 'string', '127.0.0.1', 'address nova-novncproxy listens on', 'nova-novncproxy'),
  o('DEFAULT', 'novncproxy_port', 'int', 6080, 'port of nova-novncproxy', 'nova-novncproxy', 1),
  o('DEFAULT', 'console_allowed_origins', 'list', [], 'extra Origins allowed to open console WebSockets', 'nova-novncproxy'),
  o('DEFAULT', 'console_token_ttl', 'int', 600, 'seconds a console token stays valid', 'nova-consoleauth', 1),
  o('metrics', 'weight_setting', 'list', [], 'metrics weighed by MetricsWeigher, as name=ratio', 'nova-scheduler'),
  o('metrics', 'weight_multiplier', 'float', 1.0, 'multiplier of MetricsWeigher', 'nova-scheduler'),
  o(
    'metrics',
    'required',
    'bool',
    true,
    'true: a host missing a weighed metric fails the request (ComputeHostMetricNotFound); false: it gets weight_of_unavailable',
    'nova-scheduler',
  ),
  o('metrics', 'weight_of_unavailable', 'float', -10000.0, 'weight of a host missing a metric', 'nova-scheduler'),
  o('novalab', 'listen', 'string', '127.0.0.1', 'address identity, image and the GUI listen on', 'all'),
  o('novalab', 'keystone_port', 'int', 5000, 'port of identity (keystone)', 'keystone', 1),
  o('novalab', 'glance_port', 'int', 9292, 'port of the image service (glance-api)', 'glance-api', 1),
  o('novalab', 'gui_port', 'int', 8780, 'port of the lab GUI and its event stream', 'all', 1),
  o('novalab', 'admin_password', 'string', 'novalab', 'password of the admin user', 'keystone'),
  o(
    'novalab',
    'image_size_cap',
    'int',
    10 * 1024 ** 3,
    "largest image glance-api accepts, in bytes (Glance's image_size_cap)",
    'glance-api',
    1,
  ),
  o(
    'novalab',
    'vnc_unix_socket',
    'bool',
    true,
    "guests' VNC servers on a unix socket only nova-novncproxy can open (when vncserver_listen is loopback; not on Windows); false: TCP with a per-instance VNC password",
    'nova-compute',
  ),
  o(
    'novalab',
    'scheduler_trace_keep',
    'int',
    200,
    'scheduling explanations (traces) kept: the last N decisions, in their own file outside the database',
    'nova-conductor',
    1,
  ),
  o('novalab', 'topology', 'string', 'default', 'lab topology: "default" or a path to a topology JSON file', 'nova-compute'),
  o(
    'novalab',
    'tcg_tb_size_mb',
    'int',
    16,
    "TCG guests' translation-block cache, MiB each (0: QEMU's default, up to 1 GiB; ~50 MB RSS per booted guest). Smaller saves memory, costs re-translation",
    'nova-compute',
    0,
  ),
  o(
    'novalab',
    'free_page_reporting',
    'bool',
    true,
    'give guests a virtio balloon that hands the pages they report free back to the host (they keep all their memory)',
    'nova-compute',
  ),
] as const satisfies readonly ConfOption[];

type DeclaredOptions = (typeof NOVA_CONF_OPTIONS)[number];
type KeyOf<O> = O extends { section: 'DEFAULT'; name: infer N extends string }
  ? N
  : O extends { section: infer S extends string; name: infer N extends string }
    ? `${S}.${N}`
    : never;

/** The key of an option as the backend reads it: "name" in [DEFAULT], "section.name" elsewhere; of type T if given. */
export type ConfKey<T extends OptionType = OptionType> = KeyOf<Extract<DeclaredOptions, { type: T }>>;

/** The key of an option in resolved values: the name in [DEFAULT], "section.name" elsewhere. */
export const optionKey = (opt: { section: string; name: string }): string =>
  opt.section === 'DEFAULT' ? opt.name : `${opt.section}.${opt.name}`;

export function findOption(section: string, name: string): ConfOption | undefined {
  return NOVA_CONF_OPTIONS.find((opt) => opt.section === section && opt.name === name);
}
