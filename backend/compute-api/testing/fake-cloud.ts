// An in-memory stand-in for everything nova-api talks to (conductor, compute, consoleauth,
// glance, keystone, the lab's step topic), for tests of the HTTP app without processes.
import { instanceMatcher } from '../../shared/instance-match.js';
import type { RpcClient } from '../../bus/rpc.js';
import { BusFailure } from '../../bus/errors.js';
import type { ConductorApi } from '../../rpc/conductor-api.js';
import type { ComputeApi } from '../../rpc/compute-api.js';
import type { ConsoleAuthApi } from '../../rpc/consoleauth-api.js';
import type { StepAnnouncement } from '../../rpc/lab-api.js';
import type { AuthContext } from '../../common/http/keystone-auth.js';
import { createLogger } from '../../common/log.js';
import type { Flavor, Instance, InstanceAction, KeyPair, QuotaSet } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import type { GlanceImage } from '../views/image-view.js';
import { flavorFixture, nodeFixture, serviceFixture } from '../../shared/testing/model-fixtures.js';

import type { RpcApi as Api } from '../../bus/rpc.js';

export interface Sent {
  topic: string;
  method: string;
  args: unknown[];
  kind: 'call' | 'cast';
}

function fakeRpc<T extends Api>(topic: string, impl: Partial<T>, sent: Sent[]): RpcClient<T> {
  const call = new Proxy(
    {},
    {
      get:
        (_, m) =>
        async (...args: unknown[]) => {
          sent.push({ topic, method: String(m), args, kind: 'call' });
          const fn = impl[String(m) as keyof T] as ((...a: unknown[]) => Promise<unknown>) | undefined;
          if (!fn) throw new Error(`fake ${topic} has no ${String(m)}`);
          return fn(...args);
        },
    },
  ) as T;
  const cast = new Proxy(
    {},
    {
      get:
        (_, m) =>
        (...args: unknown[]) => {
          sent.push({ topic, method: String(m), args, kind: 'cast' });
          const fn = impl[String(m) as keyof T] as ((...a: unknown[]) => Promise<unknown>) | undefined;
          void fn?.(...args);
        },
    },
  ) as RpcClient<T>['cast'];
  return { call, cast, with: () => call };
}

export const TOKENS: Record<string, AuthContext> = {
  admin: {
    token_hash: 'a',
    user_id: 'admin-user',
    user_name: 'admin',
    project_id: 'admin-project',
    project_name: 'admin',
    roles: ['admin', 'member', 'reader'],
    is_admin: true,
    expires_at: '2099-01-01T00:00:00Z',
  },
  demo: {
    token_hash: 'd',
    user_id: 'demo-user',
    user_name: 'demo',
    project_id: 'demo-project',
    project_name: 'demo',
    roles: ['member', 'reader'],
    is_admin: false,
    expires_at: '2099-01-01T00:00:00Z',
  },
};

export const IMAGE: GlanceImage = {
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  name: 'cirros',
  status: 'active',
  disk_format: 'qcow2',
  container_format: 'bare',
  min_ram: 0,
  min_disk: 0,
  size: 1024,
  architecture: 'x86_64',
  created_at: '2026-11-23T19:00:00Z',
  updated_at: '2026-11-23T19:00:00Z',
};

/** An admin-project private kernel, an image of demo's that names it, and a 1 PiB disk: the fake
 *  glance answers each token with what glance would let that project see. */
export const ADMIN_KERNEL: GlanceImage = {
  ...IMAGE,
  id: 'a1b2c3d4-0000-4000-8000-000000000002',
  name: 'admin-kernel',
  disk_format: 'aki',
  container_format: 'aki',
  visibility: 'private',
  owner: 'admin-project',
};
export const BORROWER: GlanceImage = {
  ...IMAGE,
  id: 'a1b2c3d4-0000-4000-8000-000000000003',
  name: 'borrower',
  visibility: 'private',
  owner: 'demo-project',
  kernel_id: ADMIN_KERNEL.id,
};
export const HUGE_IMAGE: GlanceImage = {
  ...IMAGE,
  id: 'a1b2c3d4-0000-4000-8000-000000000004',
  name: 'huge',
  size: 200_000,
  virtual_size: 2 ** 50,
};
const GLANCE_IMAGES = [IMAGE, ADMIN_KERNEL, BORROWER, HUGE_IMAGE];
const glanceShows = (token: string, img: GlanceImage) =>
  img.visibility !== 'private' || TOKENS[token]?.is_admin === true || img.owner === TOKENS[token]?.project_id;

export interface FakeCloud {
  deps: ApiDeps;
  sent: Sent[];
  steps: StepAnnouncement[];
  instances: Map<string, Instance>;
  actions: InstanceAction[];
}

export function fakeCloud(opts: { consoleText?: string; autoActivate?: boolean } = {}): FakeCloud {
  const sent: Sent[] = [];
  const steps: StepAnnouncement[] = [];
  const instances = new Map<string, Instance>();
  const actions: InstanceAction[] = [];
  const flavors: Flavor[] = [flavorFixture(), flavorFixture({ id: '2', name: 'm1.small', ram: 512, disk: 2 })];
  const keypairs: KeyPair[] = [];
  const quotas = new Map<string, Partial<QuotaSet>>();
  const base: QuotaSet = {
    instances: 10,
    cores: 20,
    ram: 51200,
    key_pairs: 100,
    metadata_items: 128,
    server_groups: 10,
    server_group_members: 10,
    injected_files: 5,
    injected_file_content_bytes: 10240,
    injected_file_path_bytes: 255,
  };
  let seq = 0;
  const live = () => [...instances.values()].filter((i) => i.vm_state !== 'deleted');
  let listGeneration = 0;
  const conductor: Partial<ConductorApi> = {
    flavor_list: async () => flavors,
    flavor_get: async (id) => flavors.find((f) => f.id === id) ?? null,
    flavor_create: async (f) => {
      flavors.push(f);
      return f;
    },
    flavor_delete: async (id) => {
      const i = flavors.findIndex((f) => f.id === id);
      if (i < 0) return false;
      flavors.splice(i, 1);
      return true;
    },
    flavor_extra_specs_update: async (id, specs) => {
      const f = flavors.find((x) => x.id === id);
      if (!f) return null;
      for (const [k, v] of Object.entries(specs)) {
        if (v === null) delete f.extra_specs[k];
        else f.extra_specs[k] = v;
      }
      return f;
    },
    instance_create: async (list) =>
      list.map((i) => {
        const rec = { ...i, seq: ++seq };
        instances.set(i.uuid, rec);
        return rec;
      }),
    instance_get: async (uuid, o = {}) => {
      const i = instances.get(uuid);
      return i && (o.include_deleted || i.vm_state !== 'deleted') ? i : null;
    },
    // Tests change the fake's records directly: every list is a new generation (never cached).
    instance_list_since: async (f, _known) => ({ generation: `fake-${++listGeneration}`, instances: await conductor.instance_list!(f) }),
    instance_list: async (f) =>
      live()
        .filter(instanceMatcher(f))
        .reverse()
        .slice(0, f.limit ?? 1000),
    instance_update: async (uuid, patch, expect) => {
      const i = instances.get(uuid);
      if (!i) throw new BusFailure('NotFound', 'gone', { code: 404 });
      if (expect?.vm_state && !expect.vm_state.includes(i.vm_state)) throw new BusFailure('InstanceInvalidState', 'vm', { code: 409 });
      if (expect?.task_state && !expect.task_state.includes(i.task_state))
        throw new BusFailure('UnexpectedTaskState', 'task', { code: 409 });
      return Object.assign(i, patch);
    },
    instance_destroy: async (uuid) => {
      const i = instances.get(uuid);
      if (i) Object.assign(i, { vm_state: 'deleted', task_state: null });
      return i ?? null;
    },
    action_start: async (a) => {
      const rec = { ...a, updated_at: a.start_time, events: [] };
      actions.push(rec);
      return rec;
    },
    action_list: async (uuid) => actions.filter((a) => a.instance_uuid === uuid),
    action_get: async (uuid, rid) => actions.find((a) => a.instance_uuid === uuid && a.request_id === rid) ?? null,
    keypair_list: async (u) => keypairs.filter((k) => k.user_id === u),
    keypair_get: async (u, n) => keypairs.find((k) => k.user_id === u && k.name === n) ?? null,
    keypair_create: async (k) => {
      const rec = { ...k, id: keypairs.length + 1, created_at: new Date().toISOString() };
      keypairs.push(rec);
      return rec;
    },
    keypair_delete: async (u, n) => {
      const i = keypairs.findIndex((k) => k.user_id === u && k.name === n);
      if (i < 0) return false;
      keypairs.splice(i, 1);
      return true;
    },
    quota_get: async (p) => ({ ...base, ...quotas.get(p) }),
    quota_update: async (p, v) => {
      quotas.set(p, { ...quotas.get(p), ...v });
      return { ...base, ...quotas.get(p) };
    },
    quota_defaults: async () => ({ ...base }),
    quota_delete: async (p) => {
      quotas.delete(p);
    },
    quota_usage: async (p) => {
      const mine = live().filter((i) => i.project_id === p);
      return {
        instances: mine.length,
        cores: mine.reduce((s, i) => s + i.flavor.vcpus, 0),
        ram: mine.reduce((s, i) => s + i.flavor.ram, 0),
        key_pairs: 0,
        server_groups: 0,
      };
    },
    compute_node_list: async () => [
      nodeFixture(),
      nodeFixture({
        host: 'host-c',
        hypervisor_hostname: 'host-c',
        id: 4,
        uuid: '00000000-0000-4000-8000-00000000000c',
        availability_zone: 'az-east',
      }),
    ],
    service_list: async (f = {}) =>
      [
        serviceFixture(),
        serviceFixture({ id: 6, uuid: '00000000-0000-4000-8000-000000000006', host: 'host-c', zone: 'az-east' }),
        serviceFixture({
          id: 1,
          uuid: '00000000-0000-4000-8000-000000000001',
          binary: 'nova-conductor',
          host: 'novalab',
          zone: 'internal',
        }),
      ].filter((s) => (!f.binary || s.binary === f.binary) && (!f.host || s.host === f.host)),
    service_update: async (id, patch) => ({ ...serviceFixture(), ...patch, uuid: id }),
    trace_list: async () => [],
    build_instances: async (uuids) => {
      if (opts.autoActivate === false) return;
      for (const u of uuids)
        Object.assign(instances.get(u)!, {
          vm_state: 'active',
          task_state: null,
          power_state: 1,
          host: 'host-a',
          node: 'host-a',
          availability_zone: 'nova',
        });
    },
  };
  const compute: Partial<ComputeApi> = {
    get_console_output: async () => opts.consoleText ?? 'one\ntwo\nthree\nfour\n',
    get_vnc_console: async () => ({ kind: 'tcp', host: '127.0.0.1', port: 5900 }),
  };
  const consoleauth: Partial<ConsoleAuthApi> = {
    authorize_console: async () => ({ token: 'tok-123', expires_at: '2099-01-01T00:00:00Z' }),
  };
  const deps: ApiDeps = {
    conductor: fakeRpc<ConductorApi>('conductor', conductor, sent),
    compute: (host) => fakeRpc<ComputeApi>(`compute.${host}`, compute, sent),
    consoleauth: fakeRpc<ConsoleAuthApi>('consoleauth', consoleauth, sent),
    step: async (a) => {
      steps.push(a);
    },
    publish: () => undefined,
    glance: {
      getImage: async (t, id) => {
        if (id === 'queued-image') return { ...IMAGE, id, status: 'queued' };
        const img = GLANCE_IMAGES.find((i) => i.id === id);
        return img && glanceShows(t, img) ? img : null;
      },
      listImages: async () => [IMAGE],
      createImage: async (_t, body) => ({ ...IMAGE, ...body, id: `snap-${GLANCE_IMAGES.length}`, status: 'queued' }) as GlanceImage,
      addMember: async () => undefined,
      deleteImage: async () => undefined,
      patchImage: async (_t, id) => ({ ...IMAGE, id }),
    },
    validator: { validate: async (token) => TOKENS[token] ?? null },
    settings: {
      novncproxyBaseUrl: 'http://127.0.0.1:6080/vnc_auto.html',
      serviceDownTime: 60,
      identityUrl: 'http://127.0.0.1:5000',
      glanceUrl: 'http://127.0.0.1:9292',
      maxLimit: 1000,
    },
    log: createLogger('nova-api-test', () => undefined),
  };
  return { deps, sent, steps, instances, actions };
}
