// Pure decisions about host aggregates, as Nova's AggregateAPI and Aggregate object make them:
// the seed from the topology, a host's zone and aggregates, and every refusal of a change
// (its Nova exception name, the HTTP status nova-api answers with, and Nova's message).
import type { Aggregate, ComputeNode, LabHost } from '../../contract/model.js';
import { aggregateZone, hostZone } from '../shared/host-zone.js';

export const AZ_KEY = 'availability_zone';

/** A refused change: Nova's exception name, nova-api's status for it and Nova's message. */
export interface Refusal {
  name: string;
  code: number;
  message: string;
}

/**
 * The aggregates of a new lab, from its topology: each named aggregate with every host that
 * lists it (metadata merged), and for each zone other than the default that no aggregate
 * already gives its hosts, one aggregate named after the zone with `availability_zone` set —
 * in Nova a zone exists only as aggregate metadata. Ids follow the names' order.
 */
export function seedAggregates(hosts: LabHost[], defaultZone: string, now: string, uuid: () => string): Aggregate[] {
  const byName = new Map<string, { hosts: string[]; metadata: Record<string, string> }>();
  const join = (name: string, host: string, metadata: Record<string, string>) => {
    const a = byName.get(name) ?? { hosts: [], metadata: {} };
    if (!a.hosts.includes(host)) a.hosts.push(host);
    Object.assign(a.metadata, metadata);
    byName.set(name, a);
  };
  for (const h of hosts) for (const a of h.aggregates ?? []) join(a.name, h.name, a.metadata);
  for (const h of hosts) {
    const zone = h.availability_zone;
    const covered = (h.aggregates ?? []).some((a) => a.metadata[AZ_KEY] === zone);
    if (zone === defaultZone || covered) continue;
    const taken = byName.has(zone) && byName.get(zone)!.metadata[AZ_KEY] !== zone;
    join(taken ? `az-${zone}` : zone, h.name, { [AZ_KEY]: zone });
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, a], i) => ({
      id: i + 1,
      uuid: uuid(),
      name,
      hosts: a.hosts.sort((x, y) => x.localeCompare(y)),
      metadata: a.metadata,
      created_at: now,
      updated_at: null,
    }));
}

/** Each host's aggregates, in id order: what the scheduler's host state carries. */
export function aggregatesByHost(aggregates: Aggregate[]): Map<string, Aggregate[]> {
  const out = new Map<string, Aggregate[]>();
  for (const a of [...aggregates].sort((x, y) => x.id - y.id)) {
    for (const h of a.hosts) {
      const list = out.get(h) ?? [];
      list.push(a);
      out.set(h, list);
    }
  }
  return out;
}

/** A compute node with the zone and aggregates the stored aggregates give it. */
export function nodeWithAggregates<N extends Pick<ComputeNode, 'host' | 'availability_zone' | 'aggregates'>>(
  node: N,
  byHost: Map<string, Aggregate[]>,
  defaultZone: string,
): N {
  const mine = byHost.get(node.host);
  return {
    ...node,
    availability_zone: hostZone(mine, defaultZone),
    aggregates: (mine ?? []).map((a) => ({ name: a.name, metadata: { ...a.metadata } })),
  };
}

export const aggregateNotFound = (id: number | string): Refusal => ({
  name: 'AggregateNotFound',
  code: 404,
  message: `Aggregate ${id} could not be found.`,
});

export function createRefusal(name: string, all: Aggregate[]): Refusal | null {
  return all.some((a) => a.name === name) ? { name: 'AggregateNameExists', code: 409, message: `Aggregate ${name} already exists.` } : null;
}

export function renameRefusal(agg: Aggregate, name: string, all: Aggregate[]): Refusal | null {
  return createRefusal(
    name,
    all.filter((a) => a.id !== agg.id),
  );
}

export type AggregateAction = 'add' | 'update' | 'update_meta';

const ACTION_TEXT: Record<AggregateAction, { name: string; text: string; code: number }> = {
  add: { name: 'InvalidAggregateActionAdd', text: 'Cannot add host to aggregate', code: 409 },
  update: { name: 'InvalidAggregateActionUpdate', text: 'Cannot update aggregate', code: 400 },
  update_meta: { name: 'InvalidAggregateActionUpdateMeta', text: 'Cannot update metadata of aggregate', code: 400 },
};

function invalid(action: AggregateAction, id: number, reason: string): Refusal {
  const a = ACTION_TEXT[action];
  return { name: a.name, code: a.code, message: `${a.text} ${id}. Reason: ${reason}.` };
}

/** Python's repr of a list of strings, as Nova prints the conflicting zones. */
const pyList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/**
 * Nova's AggregateAPI.is_safe_to_update_az: a change that sets `availability_zone` may not
 * empty it, may not put a host in a second zone, and (when `instancesOn` is given: updates,
 * not add_host) may not move hosts that hold instances to another zone.
 */
export function zoneChangeRefusal(
  action: AggregateAction,
  agg: Aggregate,
  metadata: Record<string, string | null>,
  all: Aggregate[],
  hosts: string[] = agg.hosts,
  instancesOn?: (hosts: string[]) => number,
): Refusal | null {
  if (!(AZ_KEY in metadata)) return null;
  const zone = metadata[AZ_KEY];
  if (!zone) return invalid(action, agg.id, `Aggregate ${agg.name} does not support empty named availability zone`);
  const conflicting = all
    .filter((a) => a.id !== agg.id && a.hosts.some((h) => hosts.includes(h)))
    .map(aggregateZone)
    .filter((z): z is string => z !== null && z !== zone);
  if (conflicting.length) return invalid(action, agg.id, `One or more hosts already in availability zone(s) ${pyList(conflicting)}`);
  if (instancesOn && aggregateZone(agg) !== zone && instancesOn(hosts) > 0)
    return invalid(action, agg.id, 'One or more hosts contain instances in this zone');
  return null;
}

export function addHostRefusal(agg: Aggregate, host: string, all: Aggregate[]): Refusal | null {
  return (
    zoneChangeRefusal('add', agg, agg.metadata, all, [host]) ??
    (agg.hosts.includes(host) ? { name: 'AggregateHostExists', code: 409, message: `Aggregate ${agg.id} already has host ${host}.` } : null)
  );
}

export function deleteRefusal(agg: Aggregate): Refusal | null {
  return agg.hosts.length > 0
    ? {
        name: 'InvalidAggregateActionDelete',
        code: 400,
        message: `Cannot remove host from aggregate ${agg.id}. Reason: Host aggregate is not empty.`,
      }
    : null;
}

/** Metadata after set_metadata: a null value removes its key, any other value sets it. */
export function mergedMetadata(current: Record<string, string>, changes: Record<string, string | null>): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
