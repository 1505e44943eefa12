// GET /servers, /servers/detail, /servers/{id}, DELETE /servers/{id}, and the lab's
// scheduling trace. Creation lives in server-create.ts, actions in server-actions.ts.
import { Router } from 'express';
import type { Instance, ListedInstance } from '../../../contract/model.js';
import type { InstanceFilter, InstancePatch } from '../../rpc/conductor-api.js';
import { BusFailure } from '../../bus/errors.js';
import { serverUpdateCheck } from '../schemas.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, notFound } from '../faults.js';
import { authorize, empty, handle, ok, queryOne, type Call } from '../http/kit.js';
import { pageParams } from '../http/paging.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { statusTaskStates } from '../server-state.js';
import { STATUS_VM_STATE } from '../../../contract/model.js';
import { nextLinks } from '../views/format.js';
import { serverBasic, serverDetail } from '../views/server-view.js';
import { validateQuery } from '../http/query.js';
import { withContext } from '../../bus/client.js';
import { createServer } from './server-create.js';
import { tagQuery } from './server-tags.js';
import { computeUp, recordAction, viewOptions, visibleInstance } from './server-common.js';
import { pyRepr, toBool } from '../validation.js';
import { parseIsoTime } from '../iso-time.js';
import { ServerListCache } from '../server-list-cache.js';
import { shortIPv6 } from '../ip-address.js';
import { deleteShelveImage } from './server-snapshot.js';
import { confirmBeforeDelete } from './server-resize.js';
import { checkNotLocked } from './server-rebuild.js';
import { msg, raw, summaryOf, term } from '../../../contract/messages.js';

/** Query keys GET /servers knows (from 2.75 anything else is a 400). */
const SERVER_QUERY_KEYS = [
  'name',
  'status',
  'image',
  'flavor',
  'all_tenants',
  'project_id',
  'tenant_id',
  'user_id',
  'host',
  'node',
  'limit',
  'marker',
  'changes-since',
  'changes-before',
  'deleted',
  'reservation_id',
  'ip',
  'ip6',
  'sort_key',
  'sort_dir',
  'availability_zone',
  'locked',
  'description',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
  'key_name',
  'config_drive',
  'hostname',
  'uuid',
  'vm_state',
  'task_state',
  'power_state',
  'launch_index',
  'created_at',
  'launched_at',
  'terminated_at',
  'progress',
  'access_ip_v4',
  'access_ip_v6',
  'kernel_id',
  'ramdisk_id',
  'root_device_name',
  'display_name',
  'display_description',
  'locked_by',
  'pinned_availability_zone',
  'soft_deleted',
];

/** A changes-since/-before value: ISO 8601 (what oslo's parse_isotime reads) or a 400 as Nova's query schema. */
function isoQuery(c: Call, key: string): number | null {
  const raw = queryOne(c, key);
  if (raw === undefined) return null;
  const t = parseIsoTime(raw);
  if (t === null) throw badRequest(`Invalid input for query parameters ${key}. Value: ${raw}. ${pyRepr(raw)} is not a 'date-time'`);
  return t;
}

async function listServers(c: Call, detail: boolean) {
  const v = c.st.version;
  if (atLeast(v, '2.75')) validateQuery(c.query, SERVER_QUERY_KEYS);
  const q = (k: string) => queryOne(c, k);
  const allTenants = q('all_tenants') !== undefined && (q('all_tenants') === '' || toBool(q('all_tenants')));
  authorize(c, `os_compute_api:servers:${detail ? 'detail' : 'index'}`);
  if (allTenants) authorize(c, `os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
  const admin = c.st.auth.is_admin;
  const filter: InstanceFilter = {};
  if (!allTenants) filter.project_id = c.st.auth.project_id;
  else if (q('project_id') ?? q('tenant_id')) filter.project_id = (q('project_id') ?? q('tenant_id'))!;
  if (q('name') !== undefined) {
    try {
      new RegExp(q('name')!);
    } catch {
      throw badRequest(`Invalid regular expression in name filter: ${q('name')}`);
    }
    filter.name = q('name');
  }
  if (admin && q('host')) filter.host = q('host');
  if (admin && q('deleted') !== undefined && toBool(q('deleted'))) filter.include_deleted = true;
  const status = q('status')?.toUpperCase();
  if (status !== undefined) {
    const vm = STATUS_VM_STATE[status];
    if (!vm) return ok({ servers: [] });
    filter.vm_state = vm;
  }
  // Every filter goes to nova-conductor with the page: it filters where the instances are and
  // sends back only the page (a list of thousands never crosses the bus to be cut here).
  if (status) Object.assign(filter, statusTaskStates(status, filter.vm_state!));
  if (q('image')) filter.image = q('image');
  if (q('flavor')) filter.flavor = q('flavor');
  if (q('reservation_id')) filter.reservation_id = q('reservation_id');
  if (q('availability_zone')) filter.availability_zone = q('availability_zone');
  const since = isoQuery(c, 'changes-since');
  const before = atLeast(v, '2.66') ? isoQuery(c, 'changes-before') : null;
  if (since !== null && before !== null && before < since)
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  if (since !== null) filter.changes_since = since;
  if (before !== null) filter.changes_before = before;
  // As Nova: changes-since/-before also list recently deleted servers, unless `deleted` is given.
  if ((since !== null || before !== null) && q('deleted') === undefined) filter.include_deleted = true;
  if (admin && q('node')) filter.node = q('node');
  if (atLeast(v, '2.26')) Object.assign(filter, tagQuery(q));
  const page = pageParams(c.query, c.deps.settings.maxLimit);
  let instances: ListedInstance[];
  let cached: { key: string; instances: ListedInstance[] } | null = null;
  // limit=0 is an empty page, as Nova's database query answers it (before reading the marker).
  if (page.limit === 0) instances = [];
  else {
    const paged: InstanceFilter = {
      ...filter,
      limit: page.limit ?? c.deps.settings.maxLimit,
      ...(page.marker ? { marker: page.marker } : {}),
    };
    const since = c.deps.conductor.call.instance_list_since;
    if (typeof since === 'function') {
      cached = await listCache(c.deps).list((f, known) => since(f, known), paged);
      instances = cached.instances;
    } else instances = await c.deps.conductor.call.instance_list(paged);
  }
  const opts = detail ? await viewOptions(c) : null;
  const render = () => {
    const servers = instances.map((i) => (opts ? serverDetail(i, opts) : serverBasic(i, c.st.base)));
    const body: Record<string, unknown> = { servers };
    const next = nextLinks(
      c.st.base,
      detail ? 'servers/detail' : 'servers',
      c.query,
      instances.map((i) => ({ id: i.uuid })),
      page.limit,
    );
    if (next) body.servers_links = next;
    return body;
  };
  if (!cached) return ok(render());
  // Everything the rendering reads besides the instances.
  const hosts = opts?.hostStatus ? [...new Set(instances.map((i) => i.host))].map((h) => `${h}=${opts.hostStatus!(h)}`) : [];
  const viewKey = JSON.stringify([detail, c.st.version, opts?.isAdmin ?? null, c.st.base, c.query, hosts]);
  return { status: 200, raw: listCache(c.deps).body(cached.key, cached.instances, viewKey, () => Buffer.from(JSON.stringify(render()))) };
}

const listCaches = new WeakMap<ApiDeps, ServerListCache>();
const listCache = (deps: ApiDeps): ServerListCache => {
  let cache = listCaches.get(deps);
  if (!cache) listCaches.set(deps, (cache = new ServerListCache()));
  return cache;
};

/** The walkthrough's step 12: a client polling a server it just created. */
const finalAnnounced = new Set<string>();
const POLL_WINDOW_MS = 5 * 60_000;

async function announcePoll(c: Call, i: Instance, status: string): Promise<void> {
  if (Date.now() - Date.parse(i.created_at) > POLL_WINDOW_MS) return;
  if (status !== 'BUILD') {
    if (finalAnnounced.has(i.uuid)) return;
    finalAnnounced.add(i.uuid);
    if (finalAnnounced.size > 10_000) finalAnnounced.clear();
  }
  await c.deps.step({
    step: 'api.poll',
    ...summaryOf(
      i.task_state
        ? msg('step.apiPollTask', {
            path: raw(`/v2.1/servers/${i.uuid}`),
            status: term('status', status),
            task_state: term('taskState', i.task_state),
          })
        : msg('step.apiPoll', { path: raw(`/v2.1/servers/${i.uuid}`), status: term('status', status) }),
    ),
    detail: {
      request_id: c.st.requestId,
      create_request_id: i.create_request_id,
      status,
      vm_state: i.vm_state,
      task_state: i.task_state,
      power_state: i.power_state,
    },
  });
}

async function showServer(c: Call) {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:servers:show', inst);
  const opts = await viewOptions(c, true);
  if (atLeast(c.st.version, '2.71'))
    opts.serverGroups = (await c.deps.conductor.call.server_group_list({ member: inst.uuid })).map((g) => g.id);
  const server = serverDetail(inst, opts);
  await withContext({ request_id: inst.create_request_id, instance_uuid: inst.uuid }, () => announcePoll(c, inst, server.status as string));
  return ok({ server });
}

/** PUT /servers/{id}: name, description (2.19), access IPs, hostname (2.90); the guest is not told. */
async function updateServer(c: Call) {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:servers:update', inst);
  const body = serverUpdateCheck(c.st.version)(c.body).server;
  const patch: InstancePatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description;
  if (body.hostname !== undefined) patch.hostname = body.hostname;
  if (body.accessIPv4 !== undefined) patch.access_ip_v4 = body.accessIPv4;
  if (body.accessIPv6 !== undefined) patch.access_ip_v6 = shortIPv6(body.accessIPv6);
  let updated: Instance;
  try {
    updated = await c.deps.conductor.call.instance_update(inst.uuid, patch);
  } catch (err) {
    if (err instanceof BusFailure && err.code === 404) throw notFound('Instance could not be found');
    throw err;
  }
  const opts = await viewOptions(c, true);
  opts.update = true;
  if (atLeast(c.st.version, '2.71'))
    opts.serverGroups = (await c.deps.conductor.call.server_group_list({ member: inst.uuid })).map((g) => g.id);
  return ok({ server: serverDetail(updated, opts) });
}

async function deleteServer(c: Call) {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:servers:delete', inst);
  checkNotLocked(c, inst);
  if (inst.task_state === 'deleting') return empty(204);
  await c.deps.conductor.call.instance_update(
    inst.uuid,
    { task_state: 'deleting' },
    { vm_state: ['building', 'active', 'stopped', 'paused', 'suspended', 'error', 'shelved', 'shelved_offloaded', 'resized', 'rescued'] },
  );
  await recordAction(c, inst, 'delete');
  await confirmBeforeDelete(c, inst);
  await deleteShelveImage(c, inst);
  // With no host, or a host whose nova-compute is down, Nova deletes locally: nothing runs there.
  if (inst.host && (await computeUp(c, inst.host))) c.deps.compute(inst.host).cast.terminate_instance(inst.uuid);
  else await c.deps.conductor.call.instance_destroy(inst.uuid);
  return empty(204);
}

async function schedulerTrace(c: Call) {
  const inst = await visibleInstance(c, c.params.id!, { include_deleted: true });
  authorize(c, 'novalab:os-scheduler-trace', inst);
  return ok({ traces: await c.deps.conductor.call.trace_list(inst.uuid) });
}

export function serverRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/servers')
    .get(handle(deps, (c) => listServers(c, false)))
    .post(handle(deps, createServer))
    .all(methodNotAllowed);
  r.route('/servers/detail')
    .get(handle(deps, (c) => listServers(c, true)))
    .all(methodNotAllowed);
  r.route('/servers/:id')
    .get(handle(deps, showServer))
    .put(handle(deps, updateServer))
    .delete(handle(deps, deleteServer))
    .all(methodNotAllowed);
  r.route('/servers/:id/os-scheduler-trace').get(handle(deps, schedulerTrace)).all(methodNotAllowed);
  return r;
}
