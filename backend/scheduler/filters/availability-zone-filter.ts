// AvailabilityZoneFilter: a request naming a zone only goes to hosts in that zone. A host's
// zones are the availability_zone metadata of its aggregates (Zed: any of them matches);
// a host in no such aggregate is in its default zone (the topology's availability_zone).
import type { SchedulerFilter } from './types.js';
import { aggregateMetadataByHost } from '../../shared/aggregate-values.js';
import { msg } from '../../../contract/messages.js';

export const availabilityZoneFilter: SchedulerFilter = {
  name: 'AvailabilityZoneFilter',
  oncePerRequest: true,
  check(host, spec) {
    const wanted = spec.availability_zone;
    if (!wanted) return true;
    let zoned = false;
    for (const agg of host.aggregates) {
      if (!Object.hasOwn(agg.metadata, 'availability_zone')) continue;
      zoned = true;
      if (agg.metadata.availability_zone!.split(',').some((z) => z.trim() === wanted)) return true;
    }
    if (zoned) {
      const zones = aggregateMetadataByHost(host, 'availability_zone').get('availability_zone')!;
      const names = [...zones].map((z) => `"${z}"`).join(', ');
      return msg('filter.zone.aggregate', { zones: names, wanted });
    }
    if (host.availability_zone === wanted) return true;
    return msg('filter.zone.default', { zone: host.availability_zone, wanted });
  },
};
