// ComputeCapabilitiesFilter: a flavor's extra specs in the "capabilities:" scope (or with no
// scope at all) must match what the host offers. Nova's rules:
//  - "capabilities:ssd" and "capabilities:cpu_info:arch" are checked; the remaining words
//    after the scope are a path, descending into JSON when a value is a JSON string;
//  - a key with another scope ("hw:cpu_policy", "aggregate_instance_extra_specs:ssd") is
//    ignored here;
//  - an unscoped key ("ssd") is checked only if the host has it, else ignored;
//  - a name is looked up first among the host-state fields (hypervisor_type, vcpus,
//    free_ram_mb, … and Nova's names vcpus_total, total_usable_ram_mb), then in the host's
//    capabilities (Nova's stats);
//  - the value is compared as Python's str() of it, with the extra-spec operators.
import type { FilterVerdict, HostState } from '../../../contract/scheduler.js';
import { firstFailure, type SchedulerFilter } from './types.js';
import { compileExtraSpec, type ExtraSpecMatcher } from '../extra-specs-ops.js';
import { perRequest } from '../per-request.js';
import { msg } from '../../../contract/messages.js';

interface CapabilityRequirement {
  key: string;
  path: string[];
  req: string;
  match: ExtraSpecMatcher;
  /** The host-state field the first name means (Nova's aliases resolved). */
  field: string;
  /** Unscoped keys are skipped on hosts that do not have them. */
  optional: boolean;
}

/** The flavor's capability requirements ("capabilities:" scope or none), in order. */
export function capabilityRequirements(extraSpecs: Record<string, string>): CapabilityRequirement[] {
  const reqs: CapabilityRequirement[] = [];
  for (const [key, req] of Object.entries(extraSpecs)) {
    const scope = key.split(':');
    const match = compileExtraSpec(req);
    const optional = scope.length === 1;
    if (optional || scope[0] === 'capabilities') {
      const path = optional ? scope : scope.slice(1);
      // split() yields at least one piece, so path[0] exists ("capabilities:" gives [""]).
      reqs.push({ key, path, req, match, field: fieldFor(path[0]!), optional });
    }
  }
  return reqs;
}

const requirementsOf = perRequest((spec) => capabilityRequirements(spec.flavor.extra_specs));

/** Nova's names for host-state attributes that novalab spells differently. */
const ALIASES: Record<string, keyof HostState> = {
  vcpus_total: 'vcpus',
  total_usable_ram_mb: 'memory_mb',
  total_usable_disk_gb: 'local_gb',
  stats: 'capabilities',
};
const FLOAT_FIELDS = new Set(['cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio']);

/** The host-state field a capability name means: Nova's alias, or the name itself. */
function fieldFor(name: string): string {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
}

function hostAttribute(host: HostState, name: string, field = fieldFor(name)): unknown {
  if (Object.hasOwn(host, field)) {
    const v = (host as unknown as Record<string, unknown>)[field];
    if (v !== null && v !== undefined) return v;
  }
  return Object.hasOwn(host.capabilities, name) ? host.capabilities[name] : undefined;
}

function hasCapability(host: HostState, name: string, field = fieldFor(name)): boolean {
  return Object.hasOwn(host, field) || Object.hasOwn(host.capabilities, name);
}

function child(value: unknown, name: string): unknown {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.hasOwn(v, name) ? (v as Record<string, unknown>)[name] : undefined;
}

/** The value at a path of names (at least one), or undefined when any step is missing. */
export function lookupCapability(host: HostState, path: readonly string[], field = fieldFor(path[0]!)): unknown {
  let cap: unknown = hostAttribute(host, path[0]!, field);
  for (let i = 1; i < path.length && cap !== undefined && cap !== null; i++) cap = child(cap, path[i]!);
  return cap === null ? undefined : cap;
}

/** Python's str() of a value, so "s==" compares what Nova would compare. */
export function pyStr(value: unknown, field?: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    return field && FLOAT_FIELDS.has(field) && Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  return JSON.stringify(value);
}

function checkOne(host: HostState, r: CapabilityRequirement): FilterVerdict {
  if (r.optional && !hasCapability(host, r.key, r.field)) return true;
  const cap = lookupCapability(host, r.path, r.field);
  if (cap === undefined) {
    return msg('filter.capabilities.absent', { spec: r.key, req: r.req, capability: r.path.join(':') });
  }
  const value = pyStr(cap, r.path.length === 1 ? r.path[0] : undefined);
  if (r.match(value)) return true;
  return msg('filter.capabilities.mismatch', { spec: r.key, req: r.req, value });
}

export const computeCapabilitiesFilter: SchedulerFilter = {
  name: 'ComputeCapabilitiesFilter',
  oncePerRequest: true,
  check: (host, spec) => firstFailure(host, requirementsOf(spec), checkOne),
};
