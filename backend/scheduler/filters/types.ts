// The shape of one scheduler filter: Nova's BaseHostFilter.host_passes, plus the reason.
import type { FilterVerdict, HostState, RequestSpec } from '../../../contract/scheduler.js';
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
}
