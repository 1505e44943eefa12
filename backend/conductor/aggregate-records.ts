// The conductor's host aggregates (os-aggregates): each method one read or one atomic write of
// nova's database; the decisions are aggregates.ts's.
import { randomUUID } from 'node:crypto';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { Aggregate } from '../../contract/model.js';
import { BusFailure } from '../bus/errors.js';
import type { NovaDb } from './nova-db.js';
import { holdsResources } from './usage.js';
import {
  AZ_KEY,
  addHostRefusal,
  aggregateNotFound,
  createRefusal,
  deleteRefusal,
  mergedMetadata,
  renameRefusal,
  zoneChangeRefusal,
  type Refusal,
} from './aggregates.js';

export type AggregatesApi = Pick<
  ConductorApi,
  | 'aggregate_list'
  | 'aggregate_get'
  | 'aggregate_create'
  | 'aggregate_update'
  | 'aggregate_delete'
  | 'aggregate_add_host'
  | 'aggregate_remove_host'
  | 'aggregate_set_metadata'
>;

const now = () => new Date().toISOString();
const fail = (r: Refusal | null): void => {
  if (r) throw new BusFailure(r.name, r.message, { code: r.code });
};
const copy = (a: Aggregate): Aggregate => ({ ...a, hosts: [...a.hosts], metadata: { ...a.metadata } });

export function aggregatesApi(db: NovaDb): AggregatesApi {
  const all = () => db.data.aggregates;
  const find = (id: number) => all().find((a) => a.id === id);
  const existing = (id: number): Aggregate => {
    const a = find(id);
    if (!a) fail(aggregateNotFound(id));
    return a!;
  };
  const isComputeHost = (host: string) =>
    db.data.compute_nodes.some((n) => n.host === host) || db.data.services.some((s) => s.binary === 'nova-compute' && s.host === host);
  const instancesOn = (hosts: string[]) => db.data.instances.filter((i) => holdsResources(i) && hosts.includes(i.host!)).length;

  return {
    async aggregate_list() {
      return all().map(copy);
    },
    async aggregate_get(id) {
      const a = find(id);
      return a ? copy(a) : null;
    },
    async aggregate_create({ name, availability_zone }) {
      fail(createRefusal(name, all()));
      return db.mutate((data) => {
        const a: Aggregate = {
          id: (data.counters.aggregate = (data.counters.aggregate ?? 0) + 1),
          uuid: randomUUID(),
          name,
          hosts: [],
          metadata: availability_zone ? { [AZ_KEY]: availability_zone } : {},
          created_at: now(),
          updated_at: null,
        };
        data.aggregates.push(a);
        return copy(a);
      });
    },
    async aggregate_update(id, patch) {
      const a = existing(id);
      if (patch.name !== undefined) fail(renameRefusal(a, patch.name, all()));
      const zone: Record<string, string | null> = 'availability_zone' in patch ? { [AZ_KEY]: patch.availability_zone ?? null } : {};
      // Nova saves the new name before it checks the zone: a refused zone keeps the new name.
      if (patch.name !== undefined && patch.name !== a.name) {
        await db.mutate(() => Object.assign(a, { name: patch.name, updated_at: now() }));
      }
      fail(zoneChangeRefusal('update', a, zone, all(), a.hosts, instancesOn));
      if (AZ_KEY in zone) await db.mutate(() => Object.assign(a, { metadata: mergedMetadata(a.metadata, zone), updated_at: now() }));
      return copy(a);
    },
    async aggregate_delete(id) {
      const a = existing(id);
      fail(deleteRefusal(a));
      await db.mutate((data) => {
        data.aggregates = data.aggregates.filter((x) => x.id !== id);
      });
    },
    async aggregate_add_host(id, host) {
      if (!isComputeHost(host)) fail({ name: 'ComputeHostNotFound', code: 404, message: `Compute host ${host} could not be found.` });
      const a = existing(id);
      fail(addHostRefusal(a, host, all()));
      return db.mutate(() => {
        a.hosts.push(host);
        return copy(a);
      });
    },
    async aggregate_remove_host(id, host) {
      // nova-api answers every "not there" of remove_host (host, aggregate, membership) alike.
      const a = find(id);
      if (!isComputeHost(host) || !a || !a.hosts.includes(host)) {
        fail({ name: 'AggregateHostNotFound', code: 404, message: `Cannot remove host ${host} in aggregate ${id}` });
      }
      return db.mutate(() => {
        a!.hosts = a!.hosts.filter((h) => h !== host);
        return copy(a!);
      });
    },
    async aggregate_set_metadata(id, metadata) {
      const a = existing(id);
      fail(zoneChangeRefusal('update_meta', a, metadata, all(), a.hosts, instancesOn));
      return db.mutate(() => {
        Object.assign(a, { metadata: mergedMetadata(a.metadata, metadata), updated_at: now() });
        return copy(a);
      });
    },
  };
}
