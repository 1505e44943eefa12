// The filter handler (Nova's HostFilterHandler): run the configured filters in order over
// the candidate hosts, keep what passes each, and record "RamFilter: (start: 5, end: 2)"
// with every rejected host and its reason. Stops at the filter that empties the list.
import type { HostState, RequestSpec, SchedulerFilterTrace } from '../../contract/scheduler.js';
import { filtersFor } from './filters/index.js';
import { DEFAULT_FILTER_OPTIONS, isRebuildCheck, type FilterOptions } from './filters/types.js';
import { messageText, msg, type LabMessage } from '../../contract/messages.js';

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
  /** The nova.conf values filters read (Nova's defaults when absent). */
  filterOptions?: FilterOptions;
}

/** Apply the filters named (in nova.conf order) to the hosts; throws on an unknown name. */
export function runFilters(
  hosts: readonly HostState[],
  spec: RequestSpec,
  filterNames: readonly string[],
  options: RunFiltersOptions = {},
): FilterRun {
  const skipOnce = (options.instanceIndex ?? 0) > 0;
  const opts = options.filterOptions ?? DEFAULT_FILTER_OPTIONS;
  const trace: SchedulerFilterTrace[] = [];
  if (hosts.length === 0) return { passed: [], trace, emptiedBy: null };
  // The survivors are kept as indices into `hosts`, compacted in place after each filter:
  // with 1,000 hosts, growing fresh arrays per filter was most of the handler's cost.
  const alive = new Int32Array(hosts.length);
  for (let i = 0; i < alive.length; i++) alive[i] = i;
  let count = hosts.length;
  let lastPassed: string[] | null = null;
  const rebuild = isRebuildCheck(spec);
  for (const filter of filtersFor(filterNames)) {
    if (rebuild && filter.runOnRebuild !== true) continue; // passes every host: not in the trace
    const skip = skipOnce && filter.oncePerRequest === true;
    const rejected: SchedulerFilterTrace['rejected'] = [];
    let kept = 0;
    if (skip || filter.passesAll?.(spec, opts) === true)
      kept = count; // every host passes: no per-host loop
    else
      for (let k = 0; k < count; k++) {
        const host = hosts[alive[k]!]!;
        const verdict = skip ? true : filter.check(host, spec, opts);
        if (verdict === true) alive[kept++] = alive[k]!;
        else rejected.push({ host: host.host, reason: messageText(verdict), message: verdict });
      }
    // A filter that rejected nobody passed the same hosts as the one before it: share that list.
    const passedNames: string[] = kept === count && lastPassed !== null ? lastPassed : names(hosts, alive, kept);
    lastPassed = passedNames;
    trace.push({ name: filter.name, start: count, end: kept, passed: passedNames, rejected });
    count = kept;
    if (count === 0) return { passed: [], trace, emptiedBy: filter.name };
  }
  const passed = new Array<HostState>(count);
  for (let k = 0; k < count; k++) passed[k] = hosts[alive[k]!]!;
  return { passed, trace, emptiedBy: null };
}

function names(hosts: readonly HostState[], alive: Int32Array, count: number): string[] {
  const out = new Array<string>(count);
  for (let k = 0; k < count; k++) out[k] = hosts[alive[k]!]!.host;
  return out;
}

/** "RamFilter: (start: 5, end: 2)", as Nova logs it. */
export function filterSummary(entry: SchedulerFilterTrace): string {
  return `${entry.name}: (start: ${entry.start}, end: ${entry.end})`;
}

/**
 * The NoValidHost message, naming the filter that emptied the list and each host's reason:
 * "No valid host was found. There are not enough hosts available. CoreFilter rejected every
 * remaining host: host-a: 4 vCPUs × ratio 2.0 = 8 usable, 8 used, 1 requested; …"
 * followed by what the earlier filters removed, if anything.
 */
export function noValidHostMessage(run: Pick<FilterRun, 'trace' | 'emptiedBy'>): string {
  return messageText(noValidHost(run));
}

const LIST_SEP = messageText(msg('list.separator'));

/** The NoValidHost message by code: each host's reason is carried by code too. */
export function noValidHost(run: Pick<FilterRun, 'trace' | 'emptiedBy'>): LabMessage {
  const last = run.trace.find((t) => t.name === run.emptiedBy && t.end === 0);
  if (!last) {
    const first = run.trace[0];
    return msg(first === undefined || first.start === 0 ? 'noValidHost.noHosts' : 'noValidHost.plain');
  }
  const reasons = last.rejected.map((r) => msg('noValidHost.hostReason', { host: r.host, reason: r.message ?? r.reason }));
  const earlier = run.trace
    .filter((t) => t !== last && t.rejected.length > 0)
    .map((t) => msg('noValidHost.removed', { filter: t.name, hosts: t.rejected.map((r) => r.host).join(', ') }));
  return msg('noValidHost.emptied', {
    filter: last.name,
    reasons: { sep: LIST_SEP, items: reasons },
    before: earlier.length ? msg('noValidHost.before', { removed: { sep: LIST_SEP, items: earlier } }) : '',
  });
}
