// Work a filter or weigher does once per request rather than once per host (parsing a
// flavor's extra specs, canonicalising an image's properties): memoised on the RequestSpec
// object, which lives for one scheduling request. A new request, even for the same flavor,
// is parsed afresh, so a flavor edited between requests is never seen stale.
import type { RequestSpec } from '../../contract/scheduler.js';

export function perRequest<T>(compute: (spec: RequestSpec) => T): (spec: RequestSpec) => T {
  const memo = new WeakMap<RequestSpec, T>();
  // The filter asks once per host, for the same spec: check the last one before the map.
  let lastSpec: RequestSpec | null = null;
  let lastValue: T | undefined;
  return (spec) => {
    if (spec === lastSpec) return lastValue as T;
    let value = memo.get(spec);
    if (value === undefined) {
      value = compute(spec);
      memo.set(spec, value);
    }
    lastSpec = spec;
    lastValue = value;
    return value;
  };
}
