// A host's availability zone, as Nova derives it (availability_zones.get_host_availability_zone):
// the availability_zone metadata of the aggregates the host belongs to — several zones sorted
// and joined with "," — else the default zone. nova-compute reports it, the conductor's host
// states, claims and service list use it, so the API's zone list, the instance's zone and
// AvailabilityZoneFilter agree.

export interface ZonedAggregate {
  metadata: Record<string, string>;
}

/** The zone an aggregate puts its hosts in, or null (Nova's Aggregate.availability_zone). */
export const aggregateZone = (a: ZonedAggregate): string | null =>
  Object.hasOwn(a.metadata, 'availability_zone') ? (a.metadata.availability_zone ?? null) : null;

export function hostZone(aggregates: readonly ZonedAggregate[] | undefined, defaultZone: string): string {
  const zones = [...new Set((aggregates ?? []).map(aggregateZone).filter((z): z is string => !!z))].sort();
  return zones.length ? zones.join(',') : defaultZone;
}
