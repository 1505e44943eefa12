// ComputeFilter: only hosts whose nova-compute service is enabled and up. A disabled
// service is reported first (with the administrator's reason), as Nova checks it first.
import type { SchedulerFilter } from './types.js';

export const computeFilter: SchedulerFilter = {
  name: 'ComputeFilter',
  oncePerRequest: true,
  check(host) {
    const { service } = host;
    if (service.disabled) {
      return (
        `nova-compute on ${host.host} is disabled ` + `(reason: ${service.disabled_reason ? `"${service.disabled_reason}"` : 'none given'})`
      );
    }
    if (service.forced_down) return `nova-compute on ${host.host} is down: forced down by an administrator`;
    if (!service.up) return `nova-compute on ${host.host} is down: no heartbeat within service_down_time`;
    return true;
  },
};
