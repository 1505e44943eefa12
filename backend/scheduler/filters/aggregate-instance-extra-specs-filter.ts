// AggregateInstanceExtraSpecsFilter: a flavor's extra specs in the
// "aggregate_instance_extra_specs:" scope (or with no scope) must be matched by the metadata
// of an aggregate the host belongs to. Nova's rules:
//  - a key with another scope ("hw:", "capabilities:") is ignored here;
//  - an unscoped key is NOT optional: a host in no aggregate carrying it fails;
//  - the metadata of all the host's aggregates is merged, and a value "a, b" counts as the
//    two values "a" and "b"; one matching value is enough.
import type { FilterVerdict, HostState } from '../../../contract/scheduler.js';
import { firstFailure, type SchedulerFilter } from './types.js';
import { compileExtraSpec, type ExtraSpecMatcher } from '../extra-specs-ops.js';
import { perRequest } from '../per-request.js';
import { list } from '../../shared/format.js';
import { msg } from '../../../contract/messages.js';

const SCOPE = 'aggregate_instance_extra_specs';

interface AggregateRequirement {
  specKey: string;
  key: string;
  req: string;
  match: ExtraSpecMatcher;
}

function requirements(extraSpecs: Record<string, string>): AggregateRequirement[] {
  const reqs: AggregateRequirement[] = [];
  for (const [specKey, req] of Object.entries(extraSpecs)) {
    const colon = specKey.indexOf(':');
    const key = colon < 0 ? specKey : specKey.slice(colon + 1);
    if (colon < 0 || specKey.slice(0, colon) === SCOPE) reqs.push({ specKey, key, req, match: compileExtraSpec(req) });
  }
  return reqs;
}

const requirementsOf = perRequest((spec) => requirements(spec.flavor.extra_specs));

/** Every value of one metadata key across the host's aggregates ("a, b" split into two). */
export function aggregateValues(host: HostState, key: string): string[] {
  const values = new Set<string>();
  for (const agg of host.aggregates) {
    if (Object.hasOwn(agg.metadata, key)) for (const part of agg.metadata[key]!.split(',')) values.add(part.trim());
  }
  return [...values];
}

/** Does one of the comma-separated parts of a metadata value match? */
function anyPartMatches(value: string, match: ExtraSpecMatcher): boolean {
  let start = 0;
  for (let comma = value.indexOf(','); comma >= 0; comma = value.indexOf(',', start)) {
    if (match(value.slice(start, comma).trim())) return true;
    start = comma + 1;
  }
  return match(start === 0 ? value.trim() : value.slice(start).trim());
}

/** 'yes' if one of the host's values for the key matches, 'no' if none does, 'absent' without any. */
function matchAggregates(host: HostState, r: AggregateRequirement): 'yes' | 'no' | 'absent' {
  let seen = false;
  for (const agg of host.aggregates) {
    if (!Object.hasOwn(agg.metadata, r.key)) continue;
    seen = true;
    if (anyPartMatches(agg.metadata[r.key]!, r.match)) return 'yes';
  }
  return seen ? 'no' : 'absent';
}

function checkOne(host: HostState, r: AggregateRequirement): FilterVerdict {
  const found = matchAggregates(host, r);
  if (found === 'yes') return true;
  if (found === 'absent') {
    const aggs = host.aggregates.map((a) => a.name);
    return msg('filter.aggregateExtraSpecs.absent', { spec: r.specKey, req: r.req, aggregates: list(aggs), key: r.key });
  }
  const values = aggregateValues(host, r.key);
  return msg('filter.aggregateExtraSpecs.mismatch', {
    spec: r.specKey,
    req: r.req,
    key: r.key,
    values: values.map((v) => `"${v}"`).join(', '),
  });
}

export const aggregateInstanceExtraSpecsFilter: SchedulerFilter = {
  name: 'AggregateInstanceExtraSpecsFilter',
  oncePerRequest: true,
  check: (host, spec) => firstFailure(host, requirementsOf(spec), checkOne),
};
