// The shape of one weigher (Nova's BaseHostWeigher) and the nova.conf values weighers read.
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';
import type { WeigherName } from '../../../contract/scheduler-names.js';
import { findOption } from '../../../contract/nova-conf-options.js';
import { messageText, msg } from '../../../contract/messages.js';

/** The nova.conf values the weighers read ([DEFAULT] and [metrics]). */
export interface WeigherOptions {
  ram_weight_multiplier: number;
  cpu_weight_multiplier: number;
  disk_weight_multiplier: number;
  soft_affinity_weight_multiplier: number;
  soft_anti_affinity_weight_multiplier: number;
  /** [metrics] weight_setting: "name=ratio" items. */
  metrics_weight_setting: string[];
  /** [metrics] weight_multiplier. */
  metrics_weight_multiplier: number;
  /** [metrics] weight_of_unavailable. */
  metrics_weight_of_unavailable: number;
  /** [metrics] required: a host missing a weighed metric fails the request (else weight_of_unavailable). */
  metrics_required: boolean;
  io_ops_weight_multiplier: number;
  build_failure_weight_multiplier: number;
}

/** The options an aggregate's metadata may set per host (Nova's utils.get_weight_multiplier). */
export type MultiplierOption = {
  [K in keyof WeigherOptions]: WeigherOptions[K] extends number ? K : never;
}[keyof WeigherOptions];

/** Nova's ComputeHostMetricNotFound: [metrics] required is true and a host lacks a weighed metric. */
export class ComputeHostMetricNotFound extends Error {
  constructor(
    readonly host: string,
    readonly node: string,
    readonly metric: string,
  ) {
    super(messageText(msg('scheduler.metricMissing', { metric, host, node })));
    this.name = 'ComputeHostMetricNotFound';
  }
}

const conf = <T>(section: string, name: string): T => findOption(section, name)!.default as T;

/** Nova's defaults, read from the nova.conf option table. */
export const DEFAULT_WEIGHER_OPTIONS: Readonly<WeigherOptions> = {
  ram_weight_multiplier: conf('DEFAULT', 'ram_weight_multiplier'),
  cpu_weight_multiplier: conf('DEFAULT', 'cpu_weight_multiplier'),
  disk_weight_multiplier: conf('DEFAULT', 'disk_weight_multiplier'),
  soft_affinity_weight_multiplier: conf('DEFAULT', 'soft_affinity_weight_multiplier'),
  soft_anti_affinity_weight_multiplier: conf('DEFAULT', 'soft_anti_affinity_weight_multiplier'),
  metrics_weight_setting: conf('metrics', 'weight_setting'),
  metrics_weight_multiplier: conf('metrics', 'weight_multiplier'),
  metrics_weight_of_unavailable: conf('metrics', 'weight_of_unavailable'),
  metrics_required: conf('metrics', 'required'),
  io_ops_weight_multiplier: conf('DEFAULT', 'io_ops_weight_multiplier'),
  build_failure_weight_multiplier: conf('DEFAULT', 'build_failure_weight_multiplier'),
};

export interface SchedulerWeigher {
  name: WeigherName;
  /**
   * Raw weights below this are raised to it, and normalisation uses it as the minimum instead
   * of the smallest raw weight (Nova's BaseWeigher.minval; 0 for the RAM, CPU and disk weighers).
   */
  minval?: number;
  /** The signed factor from nova.conf: positive spreads, negative stacks. */
  multiplier(opts: WeigherOptions): number;
  /**
   * The option (and aggregate metadata key) whose per-aggregate value replaces the configured
   * one for the aggregate's hosts: the minimum over the host's aggregates (Zed).
   */
  multiplierOption?: MultiplierOption;
  /** The per-host multiplier is minus that value (BuildFailureWeigher). */
  negatedMultiplier?: boolean;
  /** The raw weight of one host: higher wins before the multiplier's sign. */
  weigh(host: HostState, spec: RequestSpec, opts: WeigherOptions): number;
}
