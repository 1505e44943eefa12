// RetryFilter: never send a rescheduled instance back to a host that already failed it.
import type { SchedulerFilter } from './types.js';
import { list } from '../../shared/format.js';
import { msg } from '../../../contract/messages.js';

export const retryFilter: SchedulerFilter = {
  name: 'RetryFilter',
  check(host, spec) {
    const tried = spec.retry?.hosts ?? [];
    if (!tried.includes(host.host)) return true;
    return msg('filter.retry.tried', { attempt: spec.retry.num_attempts, hosts: list(tried) });
  },
};
