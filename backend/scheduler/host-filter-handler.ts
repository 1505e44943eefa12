// The filter handler (Nova's HostFilterHandler): run the configured filters in order over
// the candidate hosts, keep what passes each, and record "RamFilter: (start: 5, end: 2)"
// with every rejected host and its reason. Stops at the filter that empties the list.
import type { HostState, RequestSpec, SchedulerFilterTrace } from '../../contract/scheduler.js';
import { filtersFor } from './filters/index.js';

export interface FilterRun {
  /** Hosts that passed every filter, in their original order. */
  passed: HostState[];
  /** One entry per filter that ran, in order. */
  trace: SchedulerFilterTrace[];
  /** The filter that rejected every remaining host; null if hosts remain or there were none. */
  emptiedBy: string | null;
}

export interface RunFiltersOptions {
  /**
   * Which instance of a multi-instance request this run is for (0-based). For index > 0,
   * filters marked oncePerRequest are not run again (Nova's run_filter_once_per_request):
   * their trace entry lets every host through.
   */
  instanceIndex?: number;
}

/** Apply the filters named (in nova.conf order) to the hosts; throws on an unknown name. */
export function runFilters(
  hosts: readonly HostState[], spec: RequestSpec, filterNames: readonly string[], options: RunFiltersOptions = {},
): FilterRun {
  const skipOnce = (options.instanceIndex ?? 0) > 0;
  const trace: SchedulerFilterTrace[] = [];
  if (hosts.length === 0) return { passed: [], trace, emptiedBy: null };
  let current: HostState[] = hosts.slice();
  for (const filter of filtersFor(filterNames)) {
    const entry: SchedulerFilterTrace = { name: filter.name, start: current.length, end: 0, passed: [], rejected: [] };
    const next: HostState[] = [];
    for (let i = 0; i < current.length; i++) {
      const host = current[i];
      const verdict = skipOnce && filter.oncePerRequest ? true : filter.check(host, spec);
      if (verdict === true) {
        next.push(host);
        entry.passed.push(host.host);
      } else {
        entry.rejected.push({ host: host.host, reason: verdict });
      }
    }
    entry.end = next.length;
    trace.push(entry);
    current = next;
    if (current.length === 0) return { passed: current, trace, emptiedBy: filter.name };
  }
  return { passed: current, trace, emptiedBy: null };
}

/** "RamFilter: (start: 5, end: 2)", as Nova logs it. */
export function filterSummary(entry: SchedulerFilterTrace): string {
  return `${entry.name}: (start: ${entry.start}, end: ${entry.end})`;
}

const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

/**
 * The NoValidHost message, naming the filter that emptied the list and each host's reason:
 * "No valid host was found. There are not enough hosts available. CoreFilter rejected every
 * remaining host: host-a: 4 vCPUs × ratio 2.0 = 8 usable, 8 used, 1 requested; …"
 * followed by what the earlier filters removed, if anything.
 */
export function noValidHostMessage(run: Pick<FilterRun, 'trace' | 'emptiedBy'>): string {
  const last = run.trace.find((t) => t.name === run.emptiedBy && t.end === 0);
  if (!last) {
    return run.trace.length === 0 || run.trace[0].start === 0
      ? `${NO_VALID_HOST} No compute host is known to the scheduler.`
      : NO_VALID_HOST;
  }
  const reasons = last.rejected.map((r) => `${r.host}: ${r.reason}`).join('; ');
  const earlier = run.trace
    .filter((t) => t !== last && t.rejected.length > 0)
    .map((t) => `${t.name} removed ${t.rejected.map((r) => r.host).join(', ')}`);
  const before = earlier.length ? ` Before it, ${earlier.join('; ')}.` : '';
  return `${NO_VALID_HOST} ${last.name} rejected every remaining host: ${reasons}.${before}`;
}
