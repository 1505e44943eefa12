// nova-scheduler's RPC interface (topic "scheduler"). It has no port: only the conductor calls it.
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';

export interface SchedulerApi {
  /** Filter and weigh the hosts, claim the best through the conductor; the trace says why. */
  select_destinations(spec: RequestSpec): Promise<ScheduleTrace>;
}
