// The admin's view of the lab hosts: os-hypervisors, os-services, os-availability-zone and
// os-aggregates, from the conductor's compute nodes, service records and stored aggregates.
import { Router } from 'express';
import type { ServiceRecord } from '../../../contract/services.js';
import type { ApiDeps } from '../deps.js';
import { ApiFault, badRequest, notFound } from '../faults.js';
import { authorize, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import {
  checkAggregateAddHost,
  checkAggregateCreate,
  checkAggregateRemoveHost,
  checkAggregateSetMetadata,
  checkAggregateUpdate,
  checkServiceLegacy,
  checkServiceUpdate,
} from '../schemas.js';
import {
  aggregateView,
  availabilityZones,
  hypervisorDetail,
  hypervisorStatistics,
  hypervisorSummary,
  serviceView,
  uptimeText,
  type HypervisorInput,
} from '../views/host-views.js';
import { toBool } from '../validation.js';
import { serviceIsUp } from '../../shared/service-health.js';
import { instanceName } from '../../shared/instance-name.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function hypervisors(c: Call): Promise<HypervisorInput[]> {
  const { conductor, settings } = c.deps;
  const [nodes, services, instances] = await Promise.all([
    conductor.call.compute_node_list(),
    conductor.call.service_list({ binary: 'nova-compute' }),
    conductor.call.instance_list({}),
  ]);
  const busy = new Map<string, number>();
  for (const i of instances) if (i.host && i.task_state) busy.set(i.host, (busy.get(i.host) ?? 0) + 1);
  return nodes
    .sort((a, b) => a.id - b.id)
    .map((node) => {
      const service = services.find((s) => s.host === node.host);
      return { node, service, up: serviceIsUp(service, Date.now(), settings.serviceDownTime), workload: busy.get(node.host) ?? 0 };
    });
}

/** One hypervisor by id: an integer below 2.53, a UUID from 2.53 (names are a 404, P8). */
async function oneHypervisor(c: Call): Promise<HypervisorInput> {
  const id = c.params.id!;
  const match = (await hypervisors(c)).find((h) =>
    atLeast(c.st.version, '2.53') ? UUID.test(id) && h.node.uuid === id : String(h.node.id) === id,
  );
  if (!match) throw notFound(`Hypervisor with ID '${id}' could not be found.`);
  return match;
}

function pre288(c: Call): void {
  if (atLeast(c.st.version, '2.88')) throw new ApiFault(404, 'The resource could not be found.');
}

async function listHypervisors(c: Call, detail: boolean): Promise<Reply> {
  authorize(c, `os_compute_api:os-hypervisors:${detail ? 'list-detail' : 'list'}`);
  let hs = await hypervisors(c);
  const pattern = atLeast(c.st.version, '2.53') ? queryOne(c, 'hypervisor_hostname_pattern') : undefined;
  if (pattern) {
    hs = hs.filter((h) => h.node.hypervisor_hostname.includes(pattern));
    if (hs.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
  }
  const uptime = uptimeText();
  return ok({ hypervisors: hs.map((h) => (detail ? hypervisorDetail(h, c.st.version, uptime) : hypervisorSummary(h, c.st.version))) });
}

async function listServices(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-services:list');
  const filter: { binary?: string; host?: string } = {};
  if (queryOne(c, 'binary')) filter.binary = queryOne(c, 'binary');
  if (queryOne(c, 'host')) filter.host = queryOne(c, 'host');
  const services = (await c.deps.conductor.call.service_list(filter)).sort((a, b) => a.id - b.id);
  const down = c.deps.settings.serviceDownTime;
  return ok({ services: services.map((s) => serviceView(s, serviceIsUp(s, Date.now(), down), c.st.version)) });
}

async function updated(c: Call, s: ServiceRecord | null): Promise<ServiceRecord> {
  if (!s) throw notFound('Service not found.');
  return s;
}

/** PUT /os-services/{uuid} from 2.53: {"status": …, "disabled_reason": …, "forced_down": …}. */
async function updateService(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-services:update');
  const id = c.params.id!;
  if (!atLeast(c.st.version, '2.53')) return legacyUpdate(c, id);
  if (!UUID.test(id)) throw badRequest(`Invalid uuid ${id}`);
  const body = checkServiceUpdate(c.body);
  if (Object.keys(body).length === 0) throw badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  if (body.disabled_reason && body.status !== 'disabled')
    throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
  const existing = (await c.deps.conductor.call.service_list()).find((s) => s.uuid === id);
  if (!existing) throw notFound(`Service ${id} could not be found.`);
  if (existing.binary !== 'nova-compute')
    throw badRequest(`Updating a ${existing.binary} service is not supported. Only nova-compute services can be updated.`);
  const patch: { disabled?: boolean; disabled_reason?: string | null; forced_down?: boolean } = {};
  if (body.status) {
    patch.disabled = body.status === 'disabled';
    patch.disabled_reason = body.status === 'disabled' ? (body.disabled_reason ?? null) : null;
  }
  if (body.forced_down !== undefined) patch.forced_down = toBool(body.forced_down);
  const s = await updated(c, await c.deps.conductor.call.service_update(id, patch));
  return ok({ service: serviceView(s, serviceIsUp(s, Date.now(), c.deps.settings.serviceDownTime), c.st.version) });
}

/** Below 2.53: PUT /os-services/{enable|disable|disable-log-reason|force-down} {host, binary}. */
async function legacyUpdate(c: Call, action: string): Promise<Reply> {
  if (!['enable', 'disable', 'disable-log-reason', 'force-down'].includes(action)) throw notFound(`Unknown action ${action}`);
  if (action === 'force-down' && !atLeast(c.st.version, '2.11')) throw notFound('Unknown action force-down');
  const body = checkServiceLegacy(c.body);
  const found = (await c.deps.conductor.call.service_list({ host: body.host, binary: body.binary })).find(
    (s) => s.host === body.host && s.binary === body.binary,
  );
  if (!found) throw notFound(`Service ${body.binary} on host ${body.host} could not be found.`);
  const key = found.uuid;
  const base = { host: body.host, binary: body.binary };
  switch (action) {
    case 'enable':
      await updated(c, await c.deps.conductor.call.service_update(key, { disabled: false, disabled_reason: null }));
      return ok({ service: { ...base, status: 'enabled' } });
    case 'disable':
      await updated(c, await c.deps.conductor.call.service_update(key, { disabled: true }));
      return ok({ service: { ...base, status: 'disabled' } });
    case 'disable-log-reason':
      if (!body.disabled_reason) throw badRequest('Missing disabled reason field');
      await updated(c, await c.deps.conductor.call.service_update(key, { disabled: true, disabled_reason: body.disabled_reason }));
      return ok({ service: { ...base, status: 'disabled', disabled_reason: body.disabled_reason } });
    default: {
      if (body.forced_down === undefined) throw badRequest('Missing forced_down field');
      const forced = toBool(body.forced_down);
      await updated(c, await c.deps.conductor.call.service_update(key, { forced_down: forced }));
      return ok({ service: { ...base, forced_down: forced } });
    }
  }
}

async function deleteService(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-services:delete');
  const id = c.params.id!;
  if (atLeast(c.st.version, '2.53') && !UUID.test(id)) throw badRequest(`Invalid uuid ${id}`);
  if (!(await c.deps.conductor.call.service_delete(id))) throw notFound(`Service ${id} not found.`);
  return { status: 204 };
}

async function zones(c: Call, detail: boolean): Promise<Reply> {
  authorize(c, `os_compute_api:os-availability-zone:${detail ? 'detail' : 'list'}`);
  const services = await c.deps.conductor.call.service_list();
  const down = c.deps.settings.serviceDownTime;
  return ok({ availabilityZoneInfo: availabilityZones(services, (s) => serviceIsUp(s, Date.now(), down), detail) });
}

/** Nova's utils.validate_integer on the aggregate id of the path (a UUID is a 400 too). */
function aggregateId(c: Call): number {
  const raw = c.params.id!;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw badRequest('Invalid input received: id must be an integer');
  return Number(raw);
}

async function listAggregates(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-aggregates:index');
  const all = await c.deps.conductor.call.aggregate_list();
  return ok({ aggregates: all.map((a) => aggregateView(a, c.st.version)) });
}

async function showAggregate(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-aggregates:show');
  const id = aggregateId(c);
  const a = await c.deps.conductor.call.aggregate_get(id);
  if (!a) throw notFound(`Aggregate ${id} could not be found.`);
  return ok({ aggregate: aggregateView(a, c.st.version) });
}

/** POST /os-aggregates: 200 (not 201, as Nova), without hosts and metadata in the answer. */
async function createAggregate(c: Call): Promise<Reply> {
  const body = checkAggregateCreate(c.body).aggregate;
  authorize(c, 'os_compute_api:os-aggregates:create');
  const a = await c.deps.conductor.call.aggregate_create({
    name: body.name.trim(),
    availability_zone: body.availability_zone?.trim() || null,
  });
  return ok({ aggregate: aggregateView(a, c.st.version, { created: true }) });
}

async function updateAggregate(c: Call): Promise<Reply> {
  const body = checkAggregateUpdate(c.body).aggregate;
  authorize(c, 'os_compute_api:os-aggregates:update');
  const patch: { name?: string; availability_zone?: string | null } = {};
  if (body.name !== undefined) patch.name = body.name.trim();
  if ('availability_zone' in body) patch.availability_zone = body.availability_zone ?? null;
  const a = await c.deps.conductor.call.aggregate_update(aggregateId(c), patch);
  return ok({ aggregate: aggregateView(a, c.st.version) });
}

/** DELETE: 200 with no body, as Nova; refused (400) while hosts remain. */
async function deleteAggregate(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-aggregates:delete');
  await c.deps.conductor.call.aggregate_delete(aggregateId(c));
  return { status: 200 };
}

/** POST /os-aggregates/{id}/action: add_host, remove_host, set_metadata (200 with the aggregate). */
async function aggregateAction(c: Call): Promise<Reply> {
  const body = c.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
    throw badRequest('Malformed request body');
  const key = Object.keys(body)[0]!;
  const conductor = c.deps.conductor.call;
  let a;
  switch (key) {
    case 'add_host': {
      const { host } = checkAggregateAddHost(body).add_host;
      authorize(c, 'os_compute_api:os-aggregates:add_host');
      a = await conductor.aggregate_add_host(aggregateId(c), host);
      break;
    }
    case 'remove_host': {
      const { host } = checkAggregateRemoveHost(body).remove_host;
      authorize(c, 'os_compute_api:os-aggregates:remove_host');
      a = await conductor.aggregate_remove_host(aggregateId(c), host);
      break;
    }
    case 'set_metadata': {
      const { metadata } = checkAggregateSetMetadata(body).set_metadata;
      authorize(c, 'os_compute_api:os-aggregates:set_metadata');
      a = await conductor.aggregate_set_metadata(aggregateId(c), metadata);
      break;
    }
    default:
      throw badRequest(`There is no such action: ${key}`);
  }
  return ok({ aggregate: aggregateView(a, c.st.version) });
}

/** Before 2.53: the hypervisors whose name contains the pattern, each with its instances
 *  (Nova's instance names, instance-0000000a), listed only when it has some. */
async function hypervisorServers(c: Call): Promise<Reply> {
  if (atLeast(c.st.version, '2.53')) throw new ApiFault(404, 'The resource could not be found.');
  authorize(c, 'os_compute_api:os-hypervisors:servers');
  const pattern = c.params.pattern!;
  const hs = (await hypervisors(c)).filter((x) => x.node.hypervisor_hostname.includes(pattern));
  if (hs.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
  const views = await Promise.all(
    hs.map(async (x) => {
      const on = await c.deps.conductor.call.instance_list({ host: x.node.host });
      const v: Record<string, unknown> = hypervisorSummary(x, c.st.version);
      if (on.length) v.servers = on.map((i) => ({ name: instanceName(i.seq), uuid: i.uuid }));
      return v;
    }),
  );
  return ok({ hypervisors: views });
}

export function hostRoutes(deps: ApiDeps): Router {
  const r = Router();
  const h = (fn: (c: Call) => Promise<Reply>) => handle(deps, fn);
  r.route('/os-hypervisors')
    .get(h((c) => listHypervisors(c, false)))
    .all(methodNotAllowed);
  r.route('/os-hypervisors/detail')
    .get(h((c) => listHypervisors(c, true)))
    .all(methodNotAllowed);
  r.route('/os-hypervisors/statistics')
    .get(
      h(async (c) => {
        pre288(c);
        authorize(c, 'os_compute_api:os-hypervisors:statistics');
        return ok({ hypervisor_statistics: hypervisorStatistics(await hypervisors(c)) });
      }),
    )
    .all(methodNotAllowed);
  r.route('/os-hypervisors/:id')
    .get(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-hypervisors:show');
        return ok({ hypervisor: hypervisorDetail(await oneHypervisor(c), c.st.version, uptimeText()) });
      }),
    )
    .all(methodNotAllowed);
  r.route('/os-hypervisors/:id/uptime')
    .get(
      h(async (c) => {
        pre288(c);
        authorize(c, 'os_compute_api:os-hypervisors:uptime');
        return ok({ hypervisor: { ...hypervisorSummary(await oneHypervisor(c), c.st.version), uptime: uptimeText() } });
      }),
    )
    .all(methodNotAllowed);
  r.route('/os-hypervisors/:pattern/search')
    .get(
      h(async (c) => {
        if (atLeast(c.st.version, '2.53')) throw new ApiFault(404, 'The resource could not be found.');
        authorize(c, 'os_compute_api:os-hypervisors:list');
        const hs = (await hypervisors(c)).filter((x) => x.node.hypervisor_hostname.includes(c.params.pattern!));
        if (hs.length === 0) throw notFound(`No hypervisor matching '${c.params.pattern}' could be found.`);
        return ok({ hypervisors: hs.map((x) => hypervisorSummary(x, c.st.version)) });
      }),
    )
    .all(methodNotAllowed);
  r.route('/os-hypervisors/:pattern/servers').get(h(hypervisorServers)).all(methodNotAllowed);
  r.route('/os-services').get(h(listServices)).all(methodNotAllowed);
  r.route('/os-services/:id').put(h(updateService)).delete(h(deleteService)).all(methodNotAllowed);
  r.route('/os-availability-zone')
    .get(h((c) => zones(c, false)))
    .all(methodNotAllowed);
  r.route('/os-availability-zone/detail')
    .get(h((c) => zones(c, true)))
    .all(methodNotAllowed);
  r.route('/os-aggregates').get(h(listAggregates)).post(h(createAggregate)).all(methodNotAllowed);
  r.route('/os-aggregates/:id').get(h(showAggregate)).put(h(updateAggregate)).delete(h(deleteAggregate)).all(methodNotAllowed);
  r.route('/os-aggregates/:id/action').post(h(aggregateAction)).all(methodNotAllowed);
  return r;
}
