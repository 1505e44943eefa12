// The shape of one scheduler filter: Nova's BaseHostFilter.host_passes, plus the reason.
import { CHECK_TYPE_HINT, type FilterVerdict, type HostState, type RequestSpec, type ResourceLimits } from '../../../contract/scheduler.js';
import type { FilterName } from '../../../contract/scheduler-names.js';
import { findOption } from '../../../contract/nova-conf-options.js';

/** The nova.conf values the filters read. */
export interface FilterOptions {
  max_instances_per_host: number;
  max_io_ops_per_host: number;
  aggregate_image_properties_isolation_namespace: string;
  aggregate_image_properties_isolation_separator: string;
}

const conf = <T>(name: string): T => findOption('DEFAULT', name)!.default as T;

/** Nova's defaults, read from the nova.conf option table. */
export const DEFAULT_FILTER_OPTIONS: Readonly<FilterOptions> = {
  max_instances_per_host: conf('max_instances_per_host'),
  max_io_ops_per_host: conf('max_io_ops_per_host'),
  aggregate_image_properties_isolation_namespace: conf('aggregate_image_properties_isolation_namespace'),
  aggregate_image_properties_isolation_separator: conf('aggregate_image_properties_isolation_separator'),
};

export interface SchedulerFilter {
  name: FilterName;
  /**
   * Run once per request, not per instance of a multi-instance request (Nova's
   * run_filter_once_per_request): its answer cannot change between instances.
   */
  oncePerRequest?: boolean;
  /** Run on a rebuild's check of the instance's own host (Nova's RUN_ON_REBUILD): the filters
   *  that judge the image. The others pass every host then: the resources are already held. */
  runOnRebuild?: boolean;
  /** true when the host passes, else a one-line reason naming the numbers. */
  /** `opts`: the nova.conf values filters read (the handler always passes them; Nova's defaults if not). */
  check(host: HostState, spec: RequestSpec, opts?: FilterOptions): FilterVerdict;
  /**
   * The oversubscription limit this filter sets on a host it passes (Nova's
   * host_state.limits, Stein's RamFilter/CoreFilter/DiskFilter): the claim enforces it.
   * Asked only for the hosts the scheduler claims, never in the per-host loop.
   */
  limits?(host: HostState, spec: RequestSpec): ResourceLimits;
  /**
   * true when this request makes the filter pass every host (no hint given, say): the handler
   * then skips the per-host loop. Only a shortcut: check() must agree.
   */
  passesAll?(spec: RequestSpec, opts: FilterOptions): boolean;
}

/**
 * A scheduler hint as Nova's RequestSpec.get_scheduler_hint returns it: a one-item list is
 * that item; absent is undefined.
 */
export function schedulerHint(spec: RequestSpec, name: string): string | string[] | undefined {
  const v = Object.hasOwn(spec.scheduler_hints, name) ? spec.scheduler_hints[name] : undefined;
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** Is this request Nova's rebuild check (utils.request_is_rebuild: the hint is ['rebuild'])? */
export function isRebuildCheck(spec: RequestSpec): boolean {
  return schedulerHint(spec, CHECK_TYPE_HINT) === 'rebuild';
}

/** The first requirement a host fails, or true when it meets them all (extra-spec filters). */
export function firstFailure<R>(host: HostState, reqs: readonly R[], checkOne: (host: HostState, r: R) => FilterVerdict): FilterVerdict {
  for (let i = 0; i < reqs.length; i++) {
    const verdict = checkOne(host, reqs[i]!);
    if (verdict !== true) return verdict;
  }
  return true;
}
