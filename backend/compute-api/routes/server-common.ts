// What the server routes share: finding a server the caller may see (another project's is a
// 404, as in Nova), the view options for the caller, and recording an instance action.
import type { Instance } from '../../../contract/model.js';
import type { ServiceRecord } from '../../../contract/services.js';
import { conflict, notFound } from '../faults.js';
import type { Call } from '../http/kit.js';
import { allowed } from '../http/kit.js';
import { atLeast } from '../microversion.js';
import { serviceIsUp } from '../../shared/service-health.js';
import type { ServerViewOptions } from '../views/server-view.js';

export const instanceNotFound = (uuid: string) => notFound(`Instance ${uuid} could not be found.`);

export async function visibleInstance(c: Call, uuid: string, opts: { include_deleted?: boolean } = {}): Promise<Instance> {
  const inst = await c.deps.conductor.call.instance_get(uuid, opts);
  if (!inst || (!c.st.auth.is_admin && inst.project_id !== c.st.auth.project_id)) throw instanceNotFound(uuid);
  return inst;
}

/** Nova's host_status: MAINTENANCE when disabled, UP when heartbeating, DOWN when forced down. */
export function hostStatusFrom(services: ServiceRecord[], downTime: number): (host: string | null) => string {
  const byHost = new Map(services.filter((s) => s.binary === 'nova-compute').map((s) => [s.host, s]));
  return (host) => {
    const s = host ? byHost.get(host) : undefined;
    if (!s) return '';
    if (s.forced_down) return 'DOWN';
    if (s.disabled) return 'MAINTENANCE';
    return serviceIsUp(s, Date.now(), downTime) ? 'UP' : 'UNKNOWN';
  };
}

export async function viewOptions(c: Call, single = false): Promise<ServerViewOptions> {
  const isAdmin = allowed(c, 'os_compute_api:os-extended-server-attributes');
  const opts: ServerViewOptions = { base: c.st.base, version: c.st.version, isAdmin, single };
  if (atLeast(c.st.version, '2.16') && allowed(c, 'os_compute_api:servers:show:host_status')) {
    const services = await c.deps.conductor.call.service_list({ binary: 'nova-compute' });
    opts.hostStatus = hostStatusFrom(services, c.deps.settings.serviceDownTime);
  }
  return opts;
}

/** Is the nova-compute service of `host` heartbeating (a cast to a dead host would be lost)? */
export async function computeUp(c: Call, host: string): Promise<boolean> {
  const [s] = await c.deps.conductor.call.service_list({ binary: 'nova-compute', host });
  return serviceIsUp(s, Date.now(), c.deps.settings.serviceDownTime);
}

export const computeDown = (host: string) => conflict(`Compute service of ${host} is unavailable at this time.`);

export async function recordAction(c: Call, inst: Instance, action: string): Promise<void> {
  await c.deps.conductor.call.action_start({
    action,
    instance_uuid: inst.uuid,
    request_id: c.st.requestId,
    user_id: c.st.auth.user_id,
    project_id: inst.project_id,
    start_time: new Date().toISOString(),
    message: null,
  });
}
