// ComputeFilter: only hosts whose nova-compute service is enabled and up. A disabled
// service is reported first (with the administrator's reason), as Nova checks it first.
import type { SchedulerFilter } from './types.js';
import { msg } from '../../../contract/messages.js';

export const computeFilter: SchedulerFilter = {
  name: 'ComputeFilter',
  oncePerRequest: true,
  check(host) {
    const { service } = host;
    if (service.disabled) {
      return service.disabled_reason
        ? msg('filter.compute.disabled', { host: host.host, reason: service.disabled_reason })
        : msg('filter.compute.disabledNoReason', { host: host.host });
    }
    if (service.forced_down) return msg('filter.compute.forcedDown', { host: host.host });
    if (!service.up) return msg('filter.compute.down', { host: host.host });
    return true;
  },
};
