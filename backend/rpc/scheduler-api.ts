// nova-scheduler's RPC interface (topic "scheduler"). It has no port: only the conductor calls it.
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';

export interface SchedulerApi {
  /**
   * Nova's select_destinations: for each instance of the request in turn (default: the spec's
   * one), filter and weigh the hosts, then claim the best through the conductor under the
   * limits the enabled filters set. All or nothing: when one instance finds no host, the
   * claims of those before it are released and the last trace (chosen null) says why.
   * One trace per instance tried.
   */
  select_destinations(spec: RequestSpec, instance_uuids?: string[]): Promise<ScheduleTrace[]>;
}
