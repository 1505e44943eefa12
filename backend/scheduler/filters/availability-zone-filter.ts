// AvailabilityZoneFilter: a request naming a zone only goes to hosts in that zone.
import type { SchedulerFilter } from './types.js';

export const availabilityZoneFilter: SchedulerFilter = {
  name: 'AvailabilityZoneFilter',
  oncePerRequest: true,
  check(host, spec) {
    const wanted = spec.availability_zone;
    if (!wanted || host.availability_zone === wanted) return true;
    return `host is in zone "${host.availability_zone}", the request asks for zone "${wanted}"`;
  },
};
