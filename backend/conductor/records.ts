// The record-keeping half of the conductor's RPC API: services, compute nodes, instances,
// actions, flavors, key pairs, quotas, traces. Each method is one small read or one atomic
// mutation of nova's database.
import { randomUUID } from 'node:crypto';
import type { ConductorApi, InstanceExpect, InstanceFilter, InstancePatch } from '../rpc/conductor-api.js';
import type { Instance, ListedInstance, QuotaSet } from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import { groupRefusal, groupSpec } from './server-groups.js';
import { BusFailure } from '../bus/errors.js';
import type { NovaDb } from './nova-db.js';
import type { PublishedEvent } from '../bus/wire.js';
import { buildHostStates, claimRefusal, usageByHost } from './usage.js';
import { STATUS_VM_STATE, type VmState } from '../../contract/model.js';
import { instanceMatcher } from '../shared/instance-match.js';
import { DEFAULT_QUOTAS } from './default-flavors.js';
import { aggregatesApi } from './aggregate-records.js';
import { aggregatesByHost, nodeWithAggregates } from './aggregates.js';
import { hostZone } from '../shared/host-zone.js';
import { flavorAccessApi, projectsOf } from './flavor-access-records.js';
import { usageWindow } from './usage-window.js';
import { msg, summaryOf, term } from '../../contract/messages.js';

const now = () => new Date().toISOString();
const listed = (i: Instance): ListedInstance => ({ ...i, image: { id: i.image.id, name: i.image.name } });
const notFound = (what: string) => new BusFailure('NotFound', `${what} could not be found.`, { code: 404 });

export type RecordsApi = Omit<
  ConductorApi,
  'build_instances' | 'reschedule' | 'unshelve_instance' | 'rebuild_instance' | 'instance_list_since' | MoveMethods
>;
/** Served by migration-records.ts and migrate-flow.ts. */
type MoveMethods = 'migrate_server' | 'migration_claim' | 'migration_get' | 'migration_list' | 'migration_update';

export interface RecordsOptions {
  serviceDownTime: () => number;
  /** Course step 5: the conductor tells the lab when it has written an instance record. */
  publish?: (e: PublishedEvent) => void;
  /** nova.conf default_availability_zone: the zone of a host in no zoned aggregate. */
  defaultZone?: () => string;
}

export function recordsApi(db: NovaDb, opts: RecordsOptions): RecordsApi {
  const d = () => db.data;
  // Reads over every instance (usage, quotas, lists) use the plain document: they change nothing
  // and would otherwise pay the write tracking's Proxy on each record they look at.
  const instances = () => db.plain.instances;
  /** The built-in defaults, as the quota class "default" overrides them (Nova's DbQuotaDriver). */
  const defaultQuotas = (): QuotaSet => ({ ...DEFAULT_QUOTAS, ...d().quota_classes?.default }) as QuotaSet;
  const findService = (key: string) => d().services.find((s) => s.uuid === key || String(s.id) === key);
  // Found in the plain list, handed out tracked: the caller may change it inside a mutate().
  const findInstance = (uuid: string) => {
    const at = instances().findIndex((i) => i.uuid === uuid);
    return at < 0 ? undefined : d().instances[at];
  };
  const actionOf = (uuid: string, request_id: string) => d().instance_actions[uuid]?.find((x) => x.request_id === request_id);
  const groupOf = (uuid: string) => d().server_groups.find((g) => g.members.includes(uuid));
  const defaultZone = () => opts.defaultZone?.() ?? 'nova';
  // A host's zone and aggregates come from the stored aggregates, never from its own report.
  const nodes = () => {
    const byHost = aggregatesByHost(d().aggregates);
    return d().compute_nodes.map((n) => nodeWithAggregates(n, byHost, defaultZone()));
  };
  const withZone = (s: ServiceRecord): ServiceRecord =>
    s.binary === 'nova-compute' ? { ...s, zone: hostZone(aggregatesByHost(d().aggregates).get(s.host), defaultZone()) } : s;

  return {
    ...aggregatesApi(db),
    ...flavorAccessApi(db),
    async service_heartbeat(binary, host, zone) {
      return db.mutate((data) => {
        let s = data.services.find((x) => x.binary === binary && x.host === host);
        if (!s) {
          s = {
            id: ++data.counters.service,
            uuid: randomUUID(),
            binary,
            host,
            zone,
            disabled: false,
            disabled_reason: null,
            forced_down: false,
            updated_at: now(),
            created_at: now(),
          };
          data.services.push(s);
        }
        s.updated_at = now();
        s.zone = zone;
        return withZone(s);
      });
    },
    async service_list(filter = {}) {
      return d()
        .services.filter((s) => (!filter.binary || s.binary === filter.binary) && (!filter.host || s.host === filter.host))
        .map(withZone);
    },
    async service_update(key, patch) {
      if (!findService(key)) return null;
      return withZone(await db.mutate(() => Object.assign(findService(key)!, patch) as ServiceRecord));
    },
    async service_delete(key) {
      const s = findService(key);
      if (!s) return false;
      await db.mutate((data) => {
        data.services = data.services.filter((x) => x !== s);
        // As Nova's service delete: a compute host leaves every aggregate it was in.
        if (s.binary === 'nova-compute') for (const a of data.aggregates) a.hosts = a.hosts.filter((h) => h !== s.host);
      });
      return true;
    },

    async compute_node_update(report) {
      return db.mutate((data) => {
        const known = data.compute_nodes.find((x) => x.host === report.host);
        if (known) return Object.assign(known, report, { updated_at: now() });
        const n = {
          ...report,
          id: ++data.counters.compute_node,
          uuid: randomUUID(),
          vcpus_used: 0,
          memory_mb_used: 0,
          local_gb_used: 0,
          running_vms: 0,
          updated_at: now(),
        };
        data.compute_nodes.push(n);
        return n;
      });
    },
    async compute_node_list() {
      const usage = usageByHost(instances());
      return nodes().map((n) => {
        const u = usage.get(n.host);
        return { ...n, vcpus_used: u?.vcpus ?? 0, memory_mb_used: u?.ram ?? 0, local_gb_used: u?.disk ?? 0, running_vms: u?.count ?? 0 };
      });
    },
    async host_states(forInstance, hinted = []) {
      const states = buildHostStates(
        nodes(),
        d().services,
        usageByHost(instances()),
        Date.now(),
        opts.serviceDownTime(),
        d().failed_builds,
      );
      // The reply is part of one project's scheduling explanation: it names no other instance.
      const keep = new Set(hinted);
      if (forInstance) keep.add(forInstance);
      return states.map((h) => ({ ...h, instance_uuids: h.instance_uuids.filter((u) => keep.has(u)) }));
    },

    async instance_create(instances, group) {
      const created = await db.mutate((data) => {
        // The group is checked inside the write, so concurrent creates cannot overfill it.
        const g = group ? data.server_groups.find((x) => x.id === group.id) : undefined;
        if (group && !g) throw new BusFailure('InstanceGroupNotFound', `Instance group ${group.id} could not be found.`, { code: 400 });
        if (g && group && group.max_members >= 0 && g.members.length + instances.length > group.max_members) {
          throw new BusFailure('OverQuota', 'Quota exceeded, too many servers in group', { code: 403 });
        }
        return instances.map((i) => {
          const rec: Instance = { ...i, seq: ++data.counters.instance };
          data.instances.push(rec);
          g?.members.push(rec.uuid);
          return rec;
        });
      });
      for (const rec of created) {
        opts.publish?.({
          kind: 'step',
          step: 'conductor.record',
          ctx: { request_id: rec.create_request_id, instance_uuid: rec.uuid, project_id: rec.project_id, user_id: rec.user_id },
          ...summaryOf(
            msg('step.conductorWrote', {
              name: rec.name,
              uuid: rec.uuid,
              vm_state: term('vmState', rec.vm_state),
              task_state: term('taskState', rec.task_state),
            }),
          ),
          detail: {
            uuid: rec.uuid,
            name: rec.name,
            vm_state: rec.vm_state,
            task_state: rec.task_state,
            flavor: rec.flavor.name,
            image: rec.image.name,
            seq: rec.seq,
          },
        });
      }
      return created;
    },
    async instance_get(uuid, o = {}) {
      const i = findInstance(uuid);
      return i && (o.include_deleted || i.vm_state !== 'deleted') ? i : null;
    },
    // Served from memory (the plain document: a list pays nothing for write tracking), filtered
    // and paged here, so a page of `limit` is all that crosses the bus.
    async instance_list(filter: InstanceFilter) {
      const vmState = filter.vm_state ?? (filter.status ? (STATUS_VM_STATE[filter.status.toUpperCase()] ?? 'unknown') : undefined);
      const match = instanceMatcher({ ...filter, ...(vmState ? { vm_state: vmState as VmState } : {}) });
      const all = db.plain.instances;
      // Newest first, as Nova sorts by created_at desc: walk from the end, stop once the page is full.
      let i = all.length - 1;
      if (filter.marker) {
        for (; i >= 0; i--) if (all[i]!.uuid === filter.marker && match(all[i]!)) break;
        if (i < 0) throw new BusFailure('MarkerNotFound', `marker [${filter.marker}] not found`, { code: 400 });
        i -= 1;
      }
      const out: ListedInstance[] = [];
      for (; i >= 0 && (!filter.limit || out.length < filter.limit); i--) if (match(all[i]!)) out.push(listed(all[i]!));
      return out;
    },
    async instance_usage_window(q) {
      return usageWindow(instances(), q);
    },
    async instance_update(uuid, patch: InstancePatch, expect?: InstanceExpect) {
      const i = findInstance(uuid);
      if (!i || i.vm_state === 'deleted') throw notFound(`Instance ${uuid}`);
      if (expect?.vm_state && !expect.vm_state.includes(i.vm_state)) {
        throw new BusFailure('InstanceInvalidState', `vm_state ${i.vm_state}`, {
          code: 409,
          details: { vm_state: i.vm_state, task_state: i.task_state },
        });
      }
      if (expect?.task_state && !expect.task_state.includes(i.task_state)) {
        throw new BusFailure('UnexpectedTaskState', `task_state ${i.task_state}`, {
          code: 409,
          details: { vm_state: i.vm_state, task_state: i.task_state },
        });
      }
      return db.mutate((data) => {
        // Nova's compute counts builds that fail on a host and forgets them when one succeeds there.
        if (i.vm_state === 'building' && i.host !== null && (patch.vm_state === 'active' || patch.vm_state === 'error')) {
          const counts = (data.failed_builds ??= {});
          counts[i.host] = patch.vm_state === 'active' ? 0 : (counts[i.host] ?? 0) + 1;
        }
        return Object.assign(i, patch, { updated_at: now() });
      });
    },
    async instance_destroy(uuid) {
      const i = findInstance(uuid);
      if (!i) return null;
      return db.mutate((data) => {
        Object.assign(i, { vm_state: 'deleted', task_state: null, power_state: 0, terminated_at: now(), updated_at: now() });
        delete data.request_specs[uuid];
        for (const g of data.server_groups) if (g.members.includes(uuid)) g.members = g.members.filter((m) => m !== uuid);
        return i;
      });
    },
    async instance_claim(uuid, host, limits = {}) {
      const i = findInstance(uuid);
      if (!i || i.vm_state === 'deleted') return { ok: false, reason: `instance ${uuid} is gone`, instance: null };
      const node = nodes().find((n) => n.host === host);
      if (!node) return { ok: false, reason: `${host}: no such compute node`, instance: i };
      const others = instances().filter((x) => x.uuid !== uuid);
      const used = usageByHost(others).get(host) ?? { vcpus: 0, ram: 0, disk: 0, count: 0, uuids: [] };
      const refusal = claimRefusal(node, used, i.flavor, limits);
      if (refusal) return { ok: false, reason: refusal, instance: i };
      const group = groupOf(uuid);
      const policy = group && groupRefusal(group, instances(), uuid, host);
      if (policy) return { ok: false, reason: policy, instance: i };
      const claimed = await db.mutate(() =>
        Object.assign(i, {
          host,
          node: node.hypervisor_hostname,
          availability_zone: hostZone(node.aggregates, node.availability_zone),
          updated_at: now(),
        }),
      );
      return { ok: true, reason: null, instance: claimed };
    },

    // Actions are kept per instance: finding one and recording an event touch only that instance's list.
    async action_start(a) {
      return db.mutate((data) => {
        const rec = { ...a, updated_at: a.start_time, events: [] };
        (data.instance_actions[a.instance_uuid] ??= []).push(rec);
        return rec;
      });
    },
    async action_event_start(uuid, request_id, event, host) {
      const a = actionOf(uuid, request_id);
      if (!a) return;
      await db.mutate(() => {
        a.events.push({ event, start_time: now(), finish_time: null, result: null, traceback: null, host, details: null });
        a.updated_at = now();
      });
    },
    async action_event_finish(uuid, request_id, event, result, details = null, traceback = null) {
      const a = actionOf(uuid, request_id);
      const e = a?.events
        .slice()
        .reverse()
        .find((x) => x.event === event && x.finish_time === null);
      if (!a || !e) return;
      await db.mutate(() => {
        Object.assign(e, { finish_time: now(), result, details, traceback });
        a.updated_at = now();
        if (result === 'Error') a.message = 'Error';
      });
    },
    async action_list(uuid) {
      return (d().instance_actions[uuid] ?? []).slice().reverse();
    },
    async action_get(uuid, request_id) {
      return actionOf(uuid, request_id) ?? null;
    },

    async flavor_list(o = {}) {
      const granted = new Set(
        o.project_id
          ? d()
              .flavor_projects.filter((r) => r.project_id === o.project_id)
              .map((r) => r.flavor_id)
          : [],
      );
      return d().flavors.filter((f) => o.include_private || f.is_public || granted.has(f.id));
    },
    async flavor_get(id, visibleTo) {
      const f = d().flavors.find((x) => x.id === id);
      // Over the bus an absent argument arrives as null: either means every flavor.
      if (!f || visibleTo === undefined || visibleTo === null || f.is_public) return f ?? null;
      return projectsOf(d().flavor_projects, id).includes(visibleTo) ? f : null;
    },
    async flavor_create(f) {
      if (d().flavors.some((x) => x.id === f.id || x.name === f.name)) {
        throw new BusFailure(
          'FlavorExists',
          `Flavor with ${d().flavors.some((x) => x.id === f.id) ? `ID ${f.id}` : `name ${f.name}`} already exists.`,
          { code: 409 },
        );
      }
      return db.mutate((data) => {
        data.flavors.push(f);
        return f;
      });
    },
    async flavor_delete(id) {
      if (!d().flavors.some((f) => f.id === id)) return false;
      await db.mutate((data) => {
        data.flavors = data.flavors.filter((f) => f.id !== id);
        // As Nova's flavor destroy: its access list goes with it.
        if (projectsOf(data.flavor_projects, id).length) data.flavor_projects = data.flavor_projects.filter((r) => r.flavor_id !== id);
      });
      return true;
    },
    async flavor_update(id, patch) {
      const f = d().flavors.find((x) => x.id === id);
      if (!f) return null;
      return db.mutate(() => Object.assign(f, { description: patch.description }));
    },
    async flavor_extra_specs_update(id, specs) {
      const f = d().flavors.find((x) => x.id === id);
      if (!f) return null;
      return db.mutate(() => {
        for (const [k, v] of Object.entries(specs)) {
          if (v === null) delete f.extra_specs[k];
          else f.extra_specs[k] = v;
        }
        return f;
      });
    },

    async keypair_list(user_id) {
      return d().keypairs.filter((k) => k.user_id === user_id);
    },
    async keypair_get(user_id, name) {
      return d().keypairs.find((k) => k.user_id === user_id && k.name === name) ?? null;
    },
    async keypair_create(k) {
      if (d().keypairs.some((x) => x.user_id === k.user_id && x.name === k.name)) {
        throw new BusFailure('KeyPairExists', `Key pair '${k.name}' already exists.`, { code: 409 });
      }
      return db.mutate((data) => {
        const rec = { ...k, id: ++data.counters.keypair, created_at: now() };
        data.keypairs.push(rec);
        return rec;
      });
    },
    async keypair_delete(user_id, name) {
      const before = d().keypairs.length;
      await db.mutate((data) => {
        data.keypairs = data.keypairs.filter((k) => !(k.user_id === user_id && k.name === name));
      });
      return d().keypairs.length < before;
    },

    async quota_get(project_id) {
      return { ...defaultQuotas(), ...d().quotas[project_id] } as QuotaSet;
    },
    async quota_update(project_id, values) {
      return db.mutate((data) => {
        data.quotas[project_id] = { ...data.quotas[project_id], ...values };
        return { ...defaultQuotas(), ...data.quotas[project_id] } as QuotaSet;
      });
    },
    async quota_defaults() {
      return defaultQuotas();
    },
    async quota_class_get(name) {
      return { ...d().quota_classes?.[name] };
    },
    async quota_class_update(name, values) {
      return db.mutate((data) => {
        const classes = (data.quota_classes ??= {});
        classes[name] = { ...classes[name], ...values };
        return { ...classes[name] };
      });
    },
    async quota_delete(project_id) {
      await db.mutate((data) => {
        delete data.quotas[project_id];
      });
    },
    async quota_usage(project_id) {
      const mine = instances().filter((i) => i.project_id === project_id && i.vm_state !== 'deleted');
      return {
        instances: mine.length,
        cores: mine.reduce((s, i) => s + i.flavor.vcpus, 0),
        ram: mine.reduce((s, i) => s + i.flavor.ram, 0),
        key_pairs: d().keypairs.filter((k) => mine.some((i) => i.user_id === k.user_id)).length,
        server_groups: d().server_groups.filter((g) => g.project_id === project_id).length,
      };
    },

    async server_group_create(g) {
      return db.mutate((data) => {
        data.server_groups.push(g);
        return g;
      });
    },
    async server_group_get(id) {
      return d().server_groups.find((g) => g.id === id) ?? null;
    },
    async server_group_list(filter) {
      return d().server_groups.filter(
        (g) => (!filter.project_id || g.project_id === filter.project_id) && (!filter.member || g.members.includes(filter.member)),
      );
    },
    async server_group_delete(id) {
      if (!d().server_groups.some((g) => g.id === id)) return false;
      await db.mutate((data) => {
        data.server_groups = data.server_groups.filter((g) => g.id !== id);
      });
      return true;
    },
    async instance_group_spec(uuid) {
      const group = groupOf(uuid);
      return group ? groupSpec(group, instances(), uuid) : null;
    },

    // Traces live in their own bounded store (the last N), not in the database's write path.
    async trace_save(trace) {
      db.traces.save(trace);
    },
    async trace_list(uuid) {
      return db.traces.list(uuid);
    },
    async trace_get(request_id) {
      return db.traces.byRequest(request_id);
    },
  };
}
