// Reading a host's aggregate metadata as Nova's filters/utils.py does: the set of values of
// one key across the host's aggregates, and a number from them (the minimum, cast like
// Python's int() or float(); one value that does not cast makes Nova fall back to the
// configured value with a warning). Per-aggregate ratios, limits and weight multipliers all
// go through here; it is shared so that the conductor's claim can enforce the ratio the
// Aggregate resource filters used.
import type { HostState } from '../../contract/scheduler.js';
import { pyFloat, pyInt } from './py-number.js';
import { messageText, msg, type LabMessage } from '../../contract/messages.js';

/** The distinct values of one metadata key across the host's aggregates, with the aggregates that set them. */
export function aggregateValuesFromKey(host: Pick<HostState, 'aggregates'>, key: string): { value: string; aggregate: string }[] {
  const out: { value: string; aggregate: string }[] = [];
  for (const agg of host.aggregates) {
    if (!Object.hasOwn(agg.metadata, key)) continue;
    const value = agg.metadata[key]!;
    if (!out.some((v) => v.value === value)) out.push({ value, aggregate: agg.name });
  }
  return out;
}

export interface AggregateNumber {
  value: number;
  /** Where the value comes from, for a reason: "aggregate metadata (agg-1: 2.0, agg-2: 3.0)" or "nova.conf". */
  source: string;
  /** `source` by code, for the GUI to translate. */
  sourceMessage: LabMessage;
  /** The metadata values that did not cast (the value is then the configured one, as in Nova). */
  invalid: string[];
}

/**
 * Nova's validate_num_values(aggregate_values_from_key(host, key), default, cast_to, min):
 * the minimum of the aggregates' values for the key, else `fallback`.
 */
export function aggregateNumber(
  host: Pick<HostState, 'aggregates'>,
  key: string,
  fallback: number,
  cast: 'int' | 'float',
  fallbackSource: LabMessage = msg('source.novaConf'),
): AggregateNumber {
  const said = (value: number, m: LabMessage, invalid: string[]): AggregateNumber => ({
    value,
    source: messageText(m),
    sourceMessage: m,
    invalid,
  });
  if (host.aggregates.length === 0) return said(fallback, fallbackSource, []);
  const vals = aggregateValuesFromKey(host, key);
  if (vals.length === 0) return said(fallback, fallbackSource, []);
  const parse = cast === 'int' ? pyInt : pyFloat;
  let min = Infinity;
  const invalid: string[] = [];
  for (const v of vals) {
    const n = parse(v.value);
    if (Number.isNaN(n)) invalid.push(`${v.aggregate}: "${v.value}"`);
    else if (n < min) min = n;
  }
  if (invalid.length)
    return said(fallback, msg('source.aggregateInvalid', { fallback: fallbackSource, key, values: invalid.join(', ') }), invalid);
  const named = vals.map((v) => `${v.aggregate}: ${v.value}`).join(', ');
  return said(min, msg(vals.length > 1 ? 'source.aggregateMin' : 'source.aggregate', { key, values: named }), invalid);
}

const floats = new Map<string, number>();

/** pyFloat, memoised: a fleet's metadata has few distinct values, and weighers read them per host. */
export function cachedFloat(text: string): number {
  let n = floats.get(text);
  if (n === undefined) {
    n = pyFloat(text);
    if (floats.size > 1024) floats.clear();
    floats.set(text, n);
  }
  return n;
}

/**
 * The minimum of one key's numeric values across the host's aggregates, undefined when no
 * aggregate sets it, NaN when one value does not cast (Nova then uses the configured value).
 * No strings are built: the filters call it for every host.
 */
export function aggregateMin(host: Pick<HostState, 'aggregates'>, key: string, cast: 'int' | 'float'): number | undefined {
  let min: number | undefined;
  for (const agg of host.aggregates) {
    // Own string values only ("constructor" and the like are never a string of the object itself).
    const text = agg.metadata[key];
    if (typeof text !== 'string' || !Object.hasOwn(agg.metadata, key)) continue;
    const n = cast === 'int' ? pyInt(text) : cachedFloat(text);
    if (Number.isNaN(n)) return NaN;
    if (min === undefined || n < min) min = n;
  }
  return min;
}

/**
 * A weigher's multiplier for one host (Nova's utils.get_weight_multiplier): the minimum of
 * the option's value in the metadata of the host's aggregates, else the configured value.
 */
export function weightMultiplier(host: Pick<HostState, 'aggregates'>, option: string, configured: number): number {
  if (host.aggregates.length === 0) return configured;
  const min = aggregateMin(host, option, 'float');
  // Nova: no aggregate value, or one it "could not decode": the configured multiplier.
  return min === undefined || Number.isNaN(min) ? configured : min;
}

/**
 * Every value of every metadata key across the host's aggregates, "a, b" split into "a" and
 * "b" (Nova's aggregate_metadata_get_by_host); with `key`, only aggregates that carry it.
 */
export function aggregateMetadataByHost(host: Pick<HostState, 'aggregates'>, key?: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const agg of host.aggregates) {
    if (key !== undefined && !Object.hasOwn(agg.metadata, key)) continue;
    for (const [k, v] of Object.entries(agg.metadata)) {
      let set = out.get(k);
      if (!set) out.set(k, (set = new Set()));
      for (const part of v.split(',')) set.add(part.trim());
    }
  }
  return out;
}

/**
 * The allocation ratio the Stein Aggregate*Filter uses for a host: the minimum of the
 * aggregates' value for the key, else (none, or one that is not a number) the host's own.
 */
export function aggregateAllocationRatio(
  host: Pick<HostState, 'aggregates'>,
  key: 'cpu_allocation_ratio' | 'ram_allocation_ratio' | 'disk_allocation_ratio',
  hostRatio: number,
): number {
  const min = aggregateMin(host, key, 'float');
  return min === undefined || Number.isNaN(min) ? hostRatio : min;
}
