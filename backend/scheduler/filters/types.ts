// The shape of one scheduler filter: Nova's BaseHostFilter.host_passes, plus the reason.
import type { FilterVerdict, HostState, RequestSpec, ResourceLimits } from '../../../contract/scheduler.js';
import type { FilterName } from '../../../contract/scheduler-names.js';

export interface SchedulerFilter {
  name: FilterName;
  /**
   * Run once per request, not per instance of a multi-instance request (Nova's
   * run_filter_once_per_request): its answer cannot change between instances.
   */
  oncePerRequest?: boolean;
  /** true when the host passes, else a one-line reason naming the numbers. */
  check(host: HostState, spec: RequestSpec): FilterVerdict;
  /**
   * The oversubscription limit this filter sets on a host it passes (Nova's
   * host_state.limits, Stein's RamFilter/CoreFilter/DiskFilter): the claim enforces it.
   * Asked only for the hosts the scheduler claims, never in the per-host loop.
   */
  limits?(host: HostState, spec: RequestSpec): ResourceLimits;
}

/** The first requirement a host fails, or true when it meets them all (extra-spec filters). */
export function firstFailure<R>(host: HostState, reqs: readonly R[], checkOne: (host: HostState, r: R) => FilterVerdict): FilterVerdict {
  for (let i = 0; i < reqs.length; i++) {
    const verdict = checkOne(host, reqs[i]!);
    if (verdict !== true) return verdict;
  }
  return true;
}
