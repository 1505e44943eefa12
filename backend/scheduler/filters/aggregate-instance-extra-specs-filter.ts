// AggregateInstanceExtraSpecsFilter: a flavor's extra specs in the
// "aggregate_instance_extra_specs:" scope (or with no scope) must be matched by the metadata
// of an aggregate the host belongs to. Nova's rules:
//  - a key with another scope ("hw:", "capabilities:") is ignored here;
//  - an unscoped key is NOT optional: a host in no aggregate carrying it fails;
//  - the metadata of all the host's aggregates is merged, and a value "a, b" counts as the
//    two values "a" and "b"; one matching value is enough.
import type { HostState } from '../../../contract/scheduler.js';
import type { SchedulerFilter } from './types.js';
import { matchExtraSpec } from '../extra-specs-ops.js';
import { list } from '../format.js';

const SCOPE = 'aggregate_instance_extra_specs';

interface AggregateRequirement { specKey: string; key: string; req: string }

const parsed = new WeakMap<Record<string, string>, AggregateRequirement[]>();

function requirements(extraSpecs: Record<string, string>): AggregateRequirement[] {
  let reqs = parsed.get(extraSpecs);
  if (reqs) return reqs;
  reqs = [];
  for (const [specKey, req] of Object.entries(extraSpecs)) {
    const colon = specKey.indexOf(':');
    if (colon < 0) reqs.push({ specKey, key: specKey, req });
    else if (specKey.slice(0, colon) === SCOPE) reqs.push({ specKey, key: specKey.slice(colon + 1), req });
  }
  parsed.set(extraSpecs, reqs);
  return reqs;
}

/** Every value of one metadata key across the host's aggregates ("a, b" split into two). */
export function aggregateValues(host: HostState, key: string): string[] {
  const values = new Set<string>();
  for (const agg of host.aggregates) {
    const v = agg.metadata[key];
    if (v !== undefined && Object.hasOwn(agg.metadata, key)) for (const part of v.split(',')) values.add(part.trim());
  }
  return [...values];
}

function checkOne(host: HostState, r: AggregateRequirement): true | string {
  const values = aggregateValues(host, r.key);
  if (values.length === 0) {
    const aggs = host.aggregates.map((a) => a.name);
    return `flavor extra spec ${r.specKey}="${r.req}": no aggregate of this host ` +
      `(${list(aggs)}) has metadata "${r.key}"`;
  }
  if (values.some((v) => matchExtraSpec(v, r.req))) return true;
  return `flavor extra spec ${r.specKey}="${r.req}" matches none of the host's aggregate ` +
    `values ${r.key}=${values.map((v) => `"${v}"`).join(', ')}`;
}

export const aggregateInstanceExtraSpecsFilter: SchedulerFilter = {
  name: 'AggregateInstanceExtraSpecsFilter',
  oncePerRequest: true,
  check(host, spec) {
    const reqs = requirements(spec.flavor.extra_specs);
    for (let i = 0; i < reqs.length; i++) {
      const verdict = checkOne(host, reqs[i]);
      if (verdict !== true) return verdict;
    }
    return true;
  },
};
