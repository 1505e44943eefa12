// /os-hosts, as Nova answers it for microversions 2.1..2.42 (removed at 2.43): the hosts of
// the lab's enabled services, one host's resource usage, the compute service's
// enable/disable, and the power and maintenance actions Nova's libvirt driver does not
// implement (501, after the host is found, as Nova).
import { Router } from 'express';
import type { ServiceRecord } from '../../../contract/services.js';
import type { ApiDeps } from '../deps.js';
import { ApiFault, notFound, notImplemented } from '../faults.js';
import { authorize, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { checkHostUpdate } from '../schemas.js';

/** Services Nova leaves out of the host list: the API's own. */
const API_BINARIES = new Set(['nova-api', 'nova-osapi_compute', 'nova-metadata']);
const NOT_SUPPORTED = 'The requested functionality is not supported.';

/** Gone from 2.43: Nova answers such a version with a plain 404. */
function upTo242(c: Call): void {
  if (atLeast(c.st.version, '2.43')) throw new ApiFault(404, 'The resource could not be found.');
}

/** A service's zone as Nova's set_availability_zones gives it: compute hosts their AZ, the rest "internal". */
const zoneOf = (s: ServiceRecord) => (s.binary === 'nova-compute' ? s.zone : 'internal');

async function listHosts(c: Call): Promise<Reply> {
  upTo242(c);
  authorize(c, 'os_compute_api:os-hosts:list');
  const zone = queryOne(c, 'zone');
  const services = (await c.deps.conductor.call.service_list())
    .filter((s) => s.binary.startsWith('nova-') && !API_BINARIES.has(s.binary) && !s.disabled)
    .filter((s) => !zone || zoneOf(s) === zone)
    .sort((a, b) => a.id - b.id);
  return ok({ hosts: services.map((s) => ({ host_name: s.host, service: s.binary.slice('nova-'.length), zone: zoneOf(s) })) });
}

/** Nova's _assert_host_exists: the host must run a nova-compute service. */
async function computeService(c: Call, host: string): Promise<ServiceRecord> {
  const found = (await c.deps.conductor.call.service_list({ binary: 'nova-compute', host })).find(
    (s) => s.host === host && s.binary === 'nova-compute',
  );
  if (!found) throw notFound(`Compute host ${host} could not be found.`);
  return found;
}

async function showHost(c: Call): Promise<Reply> {
  upTo242(c);
  authorize(c, 'os_compute_api:os-hosts:show');
  const host = c.params.id!;
  const [nodes, instances] = await Promise.all([c.deps.conductor.call.compute_node_list(), c.deps.conductor.call.instance_list({ host })]);
  const node = nodes.filter((n) => n.host === host).sort((a, b) => a.id - b.id)[0];
  if (!node) throw notFound(`Compute host ${host} could not be found.`);
  const row = (project: string, cpu: number, memory_mb: number, disk_gb: number) => ({
    resource: { host, project, cpu, memory_mb, disk_gb },
  });
  const here = instances.filter((i) => i.host === host);
  const byProject = new Map<string, { cpu: number; memory_mb: number; disk_gb: number }>();
  const max = { cpu: 0, memory_mb: 0, disk_gb: 0 };
  for (const i of here) {
    const use = { cpu: i.flavor.vcpus, memory_mb: i.flavor.ram, disk_gb: i.flavor.disk + i.flavor.ephemeral };
    const p = byProject.get(i.project_id) ?? { cpu: 0, memory_mb: 0, disk_gb: 0 };
    for (const k of ['cpu', 'memory_mb', 'disk_gb'] as const) {
      p[k] += use[k];
      max[k] += use[k];
    }
    byProject.set(i.project_id, p);
  }
  return ok({
    host: [
      row('(total)', node.vcpus, node.memory_mb, node.local_gb),
      row('(used_now)', node.vcpus_used, node.memory_mb_used, node.local_gb_used),
      row('(used_max)', max.cpu, max.memory_mb, max.disk_gb),
      ...[...byProject].map(([project, u]) => row(project, u.cpu, u.memory_mb, u.disk_gb)),
    ],
  });
}

/**
 * PUT /os-hosts/{host} {"status": "enable"|"disable", "maintenance_mode": …}: status sets the
 * compute service's disabled flag (the scheduler stops or resumes placing guests there);
 * maintenance mode (guest evacuation) is not implemented by the lab's drivers, as by
 * Nova's libvirt driver: 501.
 */
async function updateHost(c: Call): Promise<Reply> {
  upTo242(c);
  const body = checkHostUpdate(c.body);
  authorize(c, 'os_compute_api:os-hosts:update');
  const host = c.params.id!;
  const enabled = (v: string) => v.trim().toLowerCase() === 'enable';
  const result: Record<string, string> = { host };
  if (body.status !== undefined) {
    const service = await computeService(c, host);
    const on = enabled(body.status);
    const patch = on ? { disabled: false, disabled_reason: null } : { disabled: true };
    if (!(await c.deps.conductor.call.service_update(service.uuid, patch))) throw notFound(`Compute host ${host} could not be found.`);
    result.status = on ? 'enabled' : 'disabled';
  }
  if (body.maintenance_mode !== undefined) {
    await computeService(c, host);
    throw notImplemented(NOT_SUPPORTED);
  }
  return ok(result);
}

/** GET /os-hosts/{host}/{startup|shutdown|reboot}: the host is found, then 501 (no driver powers a host). */
function powerAction(rule: string) {
  return async (c: Call): Promise<Reply> => {
    upTo242(c);
    authorize(c, `os_compute_api:os-hosts:${rule}`);
    await computeService(c, c.params.id!);
    throw notImplemented(NOT_SUPPORTED);
  };
}

export function osHostRoutes(deps: ApiDeps): Router {
  const r = Router();
  const h = (fn: (c: Call) => Promise<Reply>) => handle(deps, fn);
  r.route('/os-hosts').get(h(listHosts)).all(methodNotAllowed);
  r.route('/os-hosts/:id').get(h(showHost)).put(h(updateHost)).all(methodNotAllowed);
  r.route('/os-hosts/:id/startup')
    .get(h(powerAction('start')))
    .all(methodNotAllowed);
  r.route('/os-hosts/:id/shutdown')
    .get(h(powerAction('shutdown')))
    .all(methodNotAllowed);
  r.route('/os-hosts/:id/reboot')
    .get(h(powerAction('reboot')))
    .all(methodNotAllowed);
  return r;
}
