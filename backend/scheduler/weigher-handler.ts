// The weigher handler (Nova's BaseWeightHandler.get_weighed_objects): each weigher's raw
// weights are normalised to 0..1 across the candidate hosts, multiplied by the weigher's
// signed multiplier and summed; hosts are ranked best first (ties keep the filter order).
// Because the multiplier carries the sign, spreading and stacking are one code path.
import type { HostState, RequestSpec, SchedulerWeigherTrace } from '../../contract/scheduler.js';
import type { SchedulerWeigher, WeigherOptions } from './weighers/types.js';
import { weighersFor } from './weighers/index.js';
import { weightMultiplier } from '../shared/aggregate-values.js';

export interface WeighResult {
  /** Final weights, best first. */
  ranking: { host: string; weight: number }[];
  /** One entry per weigher; empty when at most one host was left (Nova weighs nothing then). */
  trace: SchedulerWeigherTrace[];
}

/**
 * Nova's normalize(): map values to 0..1 between minval (default: the smallest value) and
 * maxval (default: the largest); all equal → all 0. Writes into `out` and returns it.
 */
export function normalize(
  values: ArrayLike<number>,
  minval?: number,
  maxval?: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  let lo = minval ?? Infinity;
  let hi = maxval ?? -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (minval === undefined && values[i]! < lo) lo = values[i]!;
    if (maxval === undefined && values[i]! > hi) hi = values[i]!;
  }
  const range = hi - lo;
  for (let i = 0; i < values.length; i++) out[i] = range === 0 ? 0 : (values[i]! - lo) / range;
  return out;
}

/**
 * A record of one value per host for the trace. It has no prototype: a host may be called
 * anything (even "__proto__"), and V8 builds such dictionary objects of 1,000 keys several
 * times faster than plain ones. Spread it ({ ...rec }) to compare with deepStrictEqual.
 */
function record(hosts: readonly HostState[], values: Float64Array): Record<string, number> {
  const rec = Object.create(null) as Record<string, number>;
  for (let i = 0; i < hosts.length; i++) rec[hosts[i]!.host] = values[i]!;
  return rec;
}

/** The first position in an ascending array holding a value greater than x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of the hosts by weight, highest first, ties in their original order (as Python's
 * stable sort); NaN counts as −Infinity. Sorts the weights natively, then places each host
 * after every heavier one and after its earlier equals.
 */
export function rankIndices(weights: Float64Array): number[] {
  const n = weights.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Number.isNaN(weights[i]) ? -Infinity : weights[i]!;
  const sorted = w.slice().sort();
  const placed = new Int32Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const slot = n - upperBound(sorted, w[i]!);
    order[slot + placed[slot]!++] = i;
  }
  return order;
}

/**
 * A weigher's multiplier for one host (Nova Zed's weight_multiplier(host_state)): the minimum
 * of its option in the metadata of the host's aggregates, else the configured one.
 */
export function hostMultiplier(weigher: SchedulerWeigher, host: HostState, opts: WeigherOptions, configured: number): number {
  if (weigher.multiplierOption === undefined || host.aggregates.length === 0) return configured;
  const m = weightMultiplier(host, weigher.multiplierOption, opts[weigher.multiplierOption]);
  return weigher.negatedMultiplier ? -m : m;
}

function allZero(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}

/** Does an aggregate of one of the hosts set this metadata key? (Most weighers' options are set by none.) */
function anyAggregateSets(hosts: readonly HostState[], key: string): boolean {
  for (let i = 0; i < hosts.length; i++) {
    const aggs = hosts[i]!.aggregates;
    for (let j = 0; j < aggs.length; j++) if (Object.hasOwn(aggs[j]!.metadata, key)) return true;
  }
  return false;
}

/** Weigh the hosts that passed the filters with the weighers named (in nova.conf order). */
export function weighHosts(
  hosts: readonly HostState[],
  spec: RequestSpec,
  weigherNames: readonly string[],
  opts: WeigherOptions,
): WeighResult {
  const weighers = weighersFor(weigherNames);
  const n = hosts.length;
  const totals = new Float64Array(n);
  const trace: SchedulerWeigherTrace[] = [];
  if (n > 1) {
    // Reused by every weigher: the trace records copy the values out.
    const raw = new Float64Array(n);
    const normalized = new Float64Array(n);
    let zeros: Record<string, number> | null = null;
    for (const weigher of weighers) {
      for (let i = 0; i < n; i++) {
        const w = weigher.weigh(hosts[i]!, spec, opts);
        raw[i] = weigher.minval === undefined ? w : Math.max(w, weigher.minval);
      }
      normalize(raw, weigher.minval, undefined, normalized);
      const multiplier = weigher.multiplier(opts);
      // Only the hosts whose aggregates set another multiplier are listed in the trace.
      let perHost: Record<string, number> | null = null;
      const perAggregate = weigher.multiplierOption !== undefined && anyAggregateSets(hosts, weigher.multiplierOption);
      for (let i = 0; i < n; i++) {
        const m = perAggregate ? hostMultiplier(weigher, hosts[i]!, opts, multiplier) : multiplier;
        if (m !== multiplier) (perHost ??= Object.create(null) as Record<string, number>)[hosts[i]!.host] = m;
        totals[i]! += m * normalized[i]!;
      }
      // A weigher that weighs every host 0 (no soft group, no I/O, no failures) shares one
      // record of zeros: most requests leave several weighers with nothing to say.
      const normZero = allZero(normalized);
      const rawZero = normZero && allZero(raw);
      if (normZero && zeros === null) zeros = record(hosts, normalized);
      const entry: SchedulerWeigherTrace = {
        name: weigher.name,
        multiplier,
        raw: rawZero ? zeros! : record(hosts, raw),
        normalized: normZero ? zeros! : record(hosts, normalized),
      };
      if (perHost !== null) entry.multipliers = perHost;
      trace.push(entry);
    }
  }
  const order = rankIndices(totals);
  const ranking = new Array<{ host: string; weight: number }>(n);
  for (let k = 0; k < n; k++) ranking[k] = { host: hosts[order[k]!]!.host, weight: totals[order[k]!]! };
  return { ranking, trace };
}
