// One scheduling decision, explained (Nova's FilterScheduler._schedule for one instance):
// filter the hosts, weigh the survivors, then pick at random among the best
// scheduler_host_subset_size of them. Pure: the clock and the randomness are injected.
//
// When a claim on the chosen host then fails (another create got there first), the
// conductor takes the next host from alternates(trace) — Nova's alternates: the ranking
// best first, without the chosen host.
import type { HostState, RequestSpec, ResourceLimits, ScheduleTrace } from '../../contract/scheduler.js';
import type { FilterName, WeigherName } from '../../contract/scheduler-names.js';
import type { WeigherOptions } from './weighers/types.js';
import { isRebuildCheck, type FilterOptions } from './filters/types.js';
import { noValidHost, runFilters, type FilterRun, type RunFiltersOptions } from './host-filter-handler.js';
import { messageText, msg, type LabMessage } from '../../contract/messages.js';
import { weighHosts, type WeighResult } from './weigher-handler.js';
import { ComputeHostMetricNotFound } from './weighers/types.js';
import { filtersFor } from './filters/index.js';
import { moveCandidates } from './move-hosts.js';

export interface SelectHostOptions {
  /** scheduler_default_filters, in order. */
  filters: readonly FilterName[];
  /** scheduler_weight_classes. */
  weighers: readonly WeigherName[];
  weigherOptions: WeigherOptions;
  /** The nova.conf values filters read (Nova's defaults when absent). */
  filterOptions?: FilterOptions;
  /** scheduler_host_subset_size (clamped to 1..number of weighed hosts). */
  subsetSize: number;
  /** A number in [0, 1), like Math.random; tests pass a deterministic one. */
  random: () => number;
  request_id: string;
  /** 1 for the first try; RetryFilter's retry.num_attempts for reschedules. */
  attempt: number;
  /** For multi-instance requests: which instance this is (see runFilters). */
  instanceIndex?: number;
  /** The clock for started_at. */
  now?: () => Date;
}

/** Nova's host_subset_size: at least 1, at most the number of hosts to choose from. */
export function clampSubsetSize(size: number, hostCount: number): number {
  const wanted = Math.max(1, Math.floor(Number.isFinite(size) ? size : 1));
  return hostCount > 0 ? Math.min(wanted, hostCount) : wanted;
}

/** Nova's forced-host match (host_manager._match_forced_hosts): host names compare case-insensitively. */
export const isForcedHost = (host: string, forced: string): boolean => host.toLowerCase() === forced.toLowerCase();

/**
 * A forced host (the API resolved "zone:host") skips the filters, as in Nova: the trace
 * shows a single "force_host" step keeping only that host. A rebuild's check forces the
 * instance's own host too, but then runs the filters that judge the image (runFilters).
 */
function forceHost(hosts: readonly HostState[], forced: string, rebuild: boolean): FilterRun {
  const passed = hosts.filter((h) => isForcedHost(h.host, forced));
  const rejected = hosts
    .filter((h) => !isForcedHost(h.host, forced))
    .map((h) => {
      const message = msg(rebuild ? 'filter.rebuildHost' : 'filter.forcedHost', { host: forced });
      return { host: h.host, reason: messageText(message), message };
    });
  const entry = { name: 'force_host', start: hosts.length, end: passed.length, passed: passed.map((h) => h.host), rejected };
  return { passed, trace: [entry], emptiedBy: passed.length ? null : 'force_host' };
}

function forcedThenChecked(
  hosts: readonly HostState[],
  spec: RequestSpec,
  forced: string,
  filters: readonly FilterName[],
  filterOpts: RunFiltersOptions,
): FilterRun {
  const rebuild = isRebuildCheck(spec);
  const run = forceHost(hosts, forced, rebuild);
  if (!rebuild || run.passed.length === 0) return run;
  const checked = runFilters(run.passed, spec, filters, filterOpts);
  return { passed: checked.passed, trace: [...run.trace, ...checked.trace], emptiedBy: checked.emptiedBy };
}

function failureMessage(run: FilterRun, spec: RequestSpec, hostCount: number): LabMessage {
  if (run.emptiedBy === 'force_host') return msg('noValidHost.forcedHost', { host: spec.force_host ?? '', count: hostCount });
  return noValidHost(run);
}

/** Decide where one instance goes, and say why. `chosen` is null (with `error`) on NoValidHost. */
export function selectHost(hosts: readonly HostState[], spec: RequestSpec, opts: SelectHostOptions): ScheduleTrace {
  const started_at = (opts.now ?? (() => new Date()))().toISOString();
  // A resize or migrate first leaves out the hosts it may not go to (no host is forced then).
  const moving = moveCandidates(hosts, spec);
  const filterOpts = { instanceIndex: opts.instanceIndex, filterOptions: opts.filterOptions };
  const filtered = spec.force_host
    ? forcedThenChecked(moving.hosts, spec, spec.force_host, opts.filters, filterOpts)
    : runFilters(moving.hosts, spec, opts.filters, filterOpts);
  const run: FilterRun = { ...filtered, trace: [...moving.trace, ...filtered.trace], emptiedBy: moving.emptiedBy ?? filtered.emptiedBy };
  let weighed: WeighResult;
  try {
    weighed = weighHosts(run.passed, spec, opts.weighers, opts.weigherOptions);
  } catch (err) {
    // [metrics] required: Nova's weigher raises and the whole request fails.
    if (!(err instanceof ComputeHostMetricNotFound)) throw err;
    const error = msg('scheduler.weigherFailed', {
      weigher: 'MetricsWeigher',
      error: msg('scheduler.metricMissing', { metric: err.metric, host: err.host, node: err.node }),
    });
    return {
      request_id: opts.request_id,
      instance_uuid: spec.instance_uuid,
      attempt: opts.attempt,
      started_at,
      hosts: hosts.map((h) => h.host),
      filters: run.trace,
      weighers: [],
      ranking: [],
      subset_size: 0,
      subset: [],
      chosen: null,
      emptied_by: null,
      error: messageText(error),
      error_message: error,
      ...(spec.move ? { kind: spec.move.kind } : {}),
    };
  }
  const subset_size = clampSubsetSize(opts.subsetSize, weighed.ranking.length);
  const subset = weighed.ranking.slice(0, subset_size).map((r) => r.host);
  const chosen = subset.length ? subset[Math.min(subset.length - 1, Math.floor(opts.random() * subset.length))]! : null;
  const error = chosen === null ? failureMessage(run, spec, hosts.length) : null;
  return {
    request_id: opts.request_id,
    instance_uuid: spec.instance_uuid,
    attempt: opts.attempt,
    started_at,
    hosts: hosts.map((h) => h.host),
    filters: run.trace,
    weighers: weighed.trace,
    ranking: weighed.ranking,
    subset_size,
    subset,
    chosen,
    ...(chosen === null
      ? {}
      : {
          limits: hostLimits(
            hosts.find((h) => h.host === chosen)!,
            spec,
            opts.filters,
          ),
        }),
    emptied_by: chosen === null ? run.emptiedBy : null,
    error: error && messageText(error),
    error_message: error,
    ...(spec.move ? { kind: spec.move.kind } : {}),
  };
}

/** The hosts to try if the chosen one refuses its claim: the ranking, best first, minus the chosen. */
export function alternates(trace: Pick<ScheduleTrace, 'ranking' | 'chosen'>): string[] {
  return trace.ranking.filter((r) => r.host !== trace.chosen).map((r) => r.host);
}

/**
 * The limits the enabled filters set for a host they passed (Nova's host_state.limits after
 * filtering): RamFilter memory_mb, CoreFilter vcpu, DiskFilter disk_gb. A forced host skips
 * the filters, so it gets none and its claim checks nothing.
 */
export function hostLimits(host: HostState, spec: RequestSpec, filterNames: readonly FilterName[]): ResourceLimits {
  if (spec.force_host) return {};
  const limits: ResourceLimits = {};
  for (const f of filtersFor(filterNames)) if (f.limits) Object.assign(limits, f.limits(host, spec));
  return limits;
}
