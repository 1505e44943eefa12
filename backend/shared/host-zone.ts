// A host's availability zone, as Nova derives it: the availability_zone metadata of an
// aggregate the host belongs to (the first one carrying it), else the host's default zone.
// The compute host reports it, the conductor's host states and claims use it, so the API's
// zone list, the instance's zone and AvailabilityZoneFilter agree.

export interface ZonedAggregate {
  name: string;
  metadata: Record<string, string>;
}

export function hostZone(aggregates: readonly ZonedAggregate[] | undefined, defaultZone: string): string {
  for (const agg of aggregates ?? []) {
    const zone = Object.hasOwn(agg.metadata, 'availability_zone') ? agg.metadata.availability_zone : undefined;
    if (zone) return zone;
  }
  return defaultZone;
}
