// Filters that read the host's aggregate metadata (Zed):
//  - AggregateImagePropertiesIsolation: for each metadata key (in the configured namespace,
//    if any) that names an image property Nova knows (hw_*, img_*, os_*…), an image carrying
//    that property must have one of the key's values;
//  - AggregateTypeAffinityFilter: a host in aggregates with instance_type metadata takes only
//    the flavors named there;
//  - AggregateMultiTenancyIsolation: a host in aggregates with filter_tenant_id metadata takes
//    only those projects' instances.
import { DEFAULT_FILTER_OPTIONS, type SchedulerFilter } from './types.js';
import { aggregateMetadataByHost, aggregateValuesFromKey } from '../../shared/aggregate-values.js';
import { perRequest } from '../per-request.js';
import { imageMetaProps } from './image-meta-fields.js';
import { msg } from '../../../contract/messages.js';

const quoted = (values: Iterable<string>): string => [...values].map((v) => `"${v}"`).join(', ');

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Does one of the comma-separated parts of a metadata value, trimmed, equal `wanted`? (No allocation: run per host.) */
export function hasPart(value: string, wanted: string): boolean {
  if (value === wanted) return true;
  if (wanted === '') return value.split(',').some((p) => p.trim() === '');
  for (let at = value.indexOf(wanted); at >= 0; at = value.indexOf(wanted, at + 1)) {
    let before = at - 1;
    while (before >= 0 && isSpace(value.charCodeAt(before))) before--;
    if (before >= 0 && value.charCodeAt(before) !== 44) continue;
    let after = at + wanted.length;
    while (after < value.length && isSpace(value.charCodeAt(after))) after++;
    if (after === value.length || value.charCodeAt(after) === 44) return true;
  }
  return false;
}

/**
 * The image properties this filter compares: those ImageMetaProps knows (legacy names mapped,
 * "architecture" as hw_architecture; others are invisible to Nova's filter), truthy ones only
 * (Nova: "if prop and …"), as strings.
 */
const comparedProps = perRequest((spec): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of imageMetaProps(spec.image.properties)) {
    if (v !== undefined && v !== null && v !== '' && v !== false && v !== 0) out.set(k, String(v));
  }
  return out;
});

export const aggregateImagePropertiesIsolation: SchedulerFilter = {
  name: 'AggregateImagePropertiesIsolation',
  oncePerRequest: true,
  runOnRebuild: true,
  passesAll: (spec) => comparedProps(spec).size === 0,
  check(host, spec, opts = DEFAULT_FILTER_OPTIONS) {
    if (host.aggregates.length === 0) return true;
    const props = comparedProps(spec);
    if (props.size === 0) return true;
    const ns = opts.aggregate_image_properties_isolation_namespace;
    const prefix = ns ? ns + opts.aggregate_image_properties_isolation_separator : '';
    for (const agg of host.aggregates) {
      for (const key in agg.metadata) {
        const prop = props.get(key);
        if (prop === undefined || (prefix && !key.startsWith(prefix))) continue;
        // The key's values across all the host's aggregates: one of them must be the property's.
        if (host.aggregates.some((a) => Object.hasOwn(a.metadata, key) && hasPart(a.metadata[key]!, prop))) continue;
        const options = aggregateMetadataByHost(host).get(key) ?? new Set<string>();
        return msg('filter.aggregateImageProperties', { key, value: prop, values: quoted(options) });
      }
    }
    return true;
  },
};

export const aggregateTypeAffinityFilter: SchedulerFilter = {
  name: 'AggregateTypeAffinityFilter',
  oncePerRequest: true,
  check(host, spec) {
    if (host.aggregates.length === 0) return true;
    const flavor = spec.flavor.name;
    let seen = false;
    for (const agg of host.aggregates) {
      if (!Object.hasOwn(agg.metadata, 'instance_type')) continue;
      seen = true;
      if (hasPart(agg.metadata.instance_type!, flavor)) return true;
    }
    if (!seen) return true;
    const vals = aggregateValuesFromKey(host, 'instance_type');
    return msg('filter.aggregateTypeAffinity', { flavor, values: vals.map((v) => `${v.aggregate}: "${v.value}"`).join(', ') });
  },
};

export const aggregateMultiTenancyIsolation: SchedulerFilter = {
  name: 'AggregateMultiTenancyIsolation',
  oncePerRequest: true,
  check(host, spec) {
    if (host.aggregates.length === 0) return true;
    let tenants: string | null = null;
    for (const agg of host.aggregates) {
      if (!Object.hasOwn(agg.metadata, 'filter_tenant_id')) continue;
      const value = agg.metadata.filter_tenant_id!;
      if (hasPart(value, spec.project_id)) return true;
      tenants = tenants === null ? value : `${tenants},${value}`;
    }
    if (tenants === null) return true; // no aggregate of this host isolates tenants
    const named = new Set(tenants.split(',').map((t) => t.trim()));
    return msg('filter.aggregateTenancy', { project: spec.project_id, tenants: quoted(named) });
  },
};
