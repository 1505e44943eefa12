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
import type { HostState } from '../../../contract/scheduler.js';
import type { SchedulerFilter } from './types.js';
import { compileExtraSpec, type ExtraSpecMatcher } from '../extra-specs-ops.js';
import { perRequest } from '../per-request.js';

interface CapabilityRequirement {
  key: string;
  path: string[];
  req: string;
  match: ExtraSpecMatcher;
  /** Unscoped keys are skipped on hosts that do not have them. */
  optional: boolean;
}

/** The flavor's capability requirements ("capabilities:" scope or none), in order. */
export function capabilityRequirements(extraSpecs: Record<string, string>): CapabilityRequirement[] {
  const reqs: CapabilityRequirement[] = [];
  for (const [key, req] of Object.entries(extraSpecs)) {
    const scope = key.split(':');
    const match = compileExtraSpec(req);
    if (scope.length === 1) reqs.push({ key, path: scope, req, match, optional: true });
    else if (scope[0] === 'capabilities') reqs.push({ key, path: scope.slice(1), req, match, optional: false });
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

function hostAttribute(host: HostState, name: string): unknown {
  const field = ALIASES[name] ?? name;
  if (Object.hasOwn(host, field)) {
    const v = (host as unknown as Record<string, unknown>)[field];
    if (v !== null && v !== undefined) return v;
  }
  return Object.hasOwn(host.capabilities, name) ? host.capabilities[name] : undefined;
}

function hasCapability(host: HostState, name: string): boolean {
  return Object.hasOwn(host, ALIASES[name] ?? name) || Object.hasOwn(host.capabilities, name);
}

function child(value: unknown, name: string): unknown {
  let v = value;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return undefined; }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.hasOwn(v, name) ? (v as Record<string, unknown>)[name] : undefined;
}

/** The value at a path of names, or undefined when any step is missing. */
export function lookupCapability(host: HostState, path: readonly string[]): unknown {
  let cap: unknown = hostAttribute(host, path[0]);
  for (let i = 1; i < path.length && cap !== undefined && cap !== null; i++) cap = child(cap, path[i]);
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

function checkOne(host: HostState, r: CapabilityRequirement): true | string {
  if (r.optional && !hasCapability(host, r.key)) return true;
  const cap = lookupCapability(host, r.path);
  if (cap === undefined) {
    return `flavor extra spec ${r.key}="${r.req}": the host has no capability "${r.path.join(':')}"`;
  }
  const value = pyStr(cap, r.path.length === 1 ? r.path[0] : undefined);
  if (r.match(value)) return true;
  return `flavor extra spec ${r.key}="${r.req}" does not match the host's value "${value}"`;
}

export const computeCapabilitiesFilter: SchedulerFilter = {
  name: 'ComputeCapabilitiesFilter',
  oncePerRequest: true,
  check(host, spec) {
    const reqs = requirementsOf(spec);
    for (let i = 0; i < reqs.length; i++) {
      const verdict = checkOne(host, reqs[i]);
      if (verdict !== true) return verdict;
    }
    return true;
  },
};
