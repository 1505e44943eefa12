// Nova's migrations table in the conductor: one row per resize or cold migration, and the
// migration claim — the new flavor held on the destination while the instance stays on its
// source (Nova's move claim: the instance is counted on both hosts until confirm or revert).
import { randomUUID } from 'node:crypto';
import type { Flavor, Instance, Migration, MigrationContext } from '../../contract/model.js';
import type { ClaimResult, MigrationFilter } from '../rpc/conductor-api.js';
import type { ResourceLimits } from '../../contract/scheduler.js';
import { BusFailure } from '../bus/errors.js';
import type { NovaDb, NovaData } from './nova-db.js';
import { claimRefusal, usageByHost } from './usage.js';
import { groupRefusal } from './server-groups.js';
import { hostZone } from '../shared/host-zone.js';
import type { ComputeNode } from '../../contract/model.js';

const now = () => new Date().toISOString();

/** Nova's old/new_instance_type_id are the flavor's integer key: the lab's numeric flavor ids, else null. */
export const flavorKey = (f: Pick<Flavor, 'id'>): number | null => (/^\d{1,9}$/.test(f.id) ? Number(f.id) : null);

export const migrationsOf = (d: NovaData): Migration[] => (d.migrations ??= []);

/** Pure: the rows a listing keeps (os-migrations' filters; hidden rows are never shown). */
export function filterMigrations(all: readonly Migration[], f: MigrationFilter): Migration[] {
  return all.filter(
    (m) =>
      !m.hidden &&
      (!f.instance_uuid || m.instance_uuid === f.instance_uuid) &&
      (!f.status || m.status === f.status) &&
      (!f.statuses || f.statuses.includes(m.status)) &&
      (!f.migration_type || m.migration_type === f.migration_type) &&
      (!f.source_compute || m.source_compute === f.source_compute) &&
      (!f.host || m.source_compute === f.host || m.dest_compute === f.host) &&
      (!f.user_id || m.user_id === f.user_id) &&
      (!f.project_id || m.project_id === f.project_id),
  );
}

export interface MigrationRecords {
  migration_start(uuid: string, kind: 'resize' | 'migration', newFlavor: Flavor, user_id: string): Promise<Migration>;
  migration_claim(id: number, host: string, limits?: ResourceLimits): Promise<ClaimResult>;
  migration_get(id: number): Promise<Migration | null>;
  migration_list(filter: MigrationFilter): Promise<Migration[]>;
  migration_update(id: number, patch: Partial<Pick<Migration, 'status'>>): Promise<Migration>;
}

export function migrationRecords(db: NovaDb, nodes: () => Promise<ComputeNode[]>): MigrationRecords {
  const d = () => db.data;
  const find = (id: number) => migrationsOf(d()).find((m) => m.id === id);
  const instanceOf = (uuid: string) => d().instances.find((i) => i.uuid === uuid && i.vm_state !== 'deleted');
  return {
    /** The row and the instance's migration context in one write (Nova's conductor _preallocate_migration). */
    async migration_start(uuid, kind, newFlavor, user_id) {
      const i = instanceOf(uuid);
      if (!i || !i.host) throw new BusFailure('InstanceNotFound', `Instance ${uuid} could not be found.`, { code: 404 });
      return db.mutate((data) => {
        const id = (data.counters.migration = (data.counters.migration ?? 0) + 1);
        const m: Migration = {
          id,
          uuid: randomUUID(),
          instance_uuid: uuid,
          migration_type: kind,
          status: 'pre-migrating',
          source_compute: i.host,
          source_node: i.node,
          dest_compute: null,
          dest_node: null,
          dest_host: null,
          old_instance_type_id: flavorKey(i.flavor),
          new_instance_type_id: flavorKey(newFlavor),
          user_id,
          project_id: i.project_id,
          hidden: false,
          created_at: now(),
          updated_at: null,
        };
        migrationsOf(data).push(m);
        const ctx: MigrationContext = {
          migration_id: id,
          kind,
          old_flavor: i.flavor,
          new_flavor: newFlavor,
          source_host: i.host!,
          source_node: i.node,
          source_az: i.availability_zone,
          dest_host: null,
          dest_node: null,
          dest_az: null,
          old_vm_state: i.vm_state,
          at_dest: false,
        };
        Object.assign(i, { migration_context: ctx, updated_at: now() });
        return m;
      });
    },

    async migration_claim(id, host, limits = {}) {
      // The nodes first: everything after this await is read and written in one turn.
      const known = await nodes();
      const m = find(id);
      const i = m ? instanceOf(m.instance_uuid) : undefined;
      const ctx = i?.migration_context;
      if (!m || !i || !ctx || ctx.migration_id !== id) return { ok: false, reason: `migration ${id} is gone`, instance: null };
      const node = known.find((n) => n.host === host);
      if (!node) return { ok: false, reason: `${host}: no such compute node`, instance: i };
      // Everything on the host now, this instance's own claim there included (a resize on the same host holds both flavors).
      const others = d().instances.map((x) => (x === i ? ({ ...x, migration_context: null } as Instance) : x));
      const used = usageByHost(others).get(host) ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] };
      const refusal = claimRefusal(node, used, ctx.new_flavor, limits);
      if (refusal) return { ok: false, reason: refusal, instance: i };
      const group = d().server_groups.find((g) => g.members.includes(i.uuid));
      const policy = group && groupRefusal(group, d().instances, i.uuid, host);
      if (policy) return { ok: false, reason: policy, instance: i };
      const claimed = await db.mutate(() => {
        Object.assign(m, { dest_compute: host, dest_node: node.hypervisor_hostname, dest_host: host, updated_at: now() });
        i.migration_context = {
          ...ctx,
          dest_host: host,
          dest_node: node.hypervisor_hostname,
          dest_az: hostZone(node.aggregates, node.availability_zone),
        };
        i.updated_at = now();
        return i;
      });
      return { ok: true, reason: null, instance: claimed };
    },

    async migration_get(id) {
      return find(id) ?? null;
    },
    async migration_list(filter) {
      // Newest first, as Nova sorts by created_at, id descending.
      return filterMigrations(migrationsOf(d()), filter)
        .slice()
        .sort((a, b) => b.id - a.id);
    },
    async migration_update(id, patch) {
      const m = find(id);
      if (!m) throw new BusFailure('MigrationNotFound', `Migration ${id} could not be found.`, { code: 404 });
      return db.mutate((data) => {
        // A confirmed resize is the instance's flavor from now on: later schedulings (unshelve,
        // another move) ask for it, as Nova's RequestSpec.flavor.
        const spec = data.request_specs[m.instance_uuid];
        const ctx = data.instances.find((i) => i.uuid === m.instance_uuid)?.migration_context;
        if (patch.status === 'confirmed' && spec && ctx?.migration_id === id) spec.flavor = ctx.new_flavor;
        return Object.assign(m, patch, { updated_at: now() });
      });
    },
  };
}
