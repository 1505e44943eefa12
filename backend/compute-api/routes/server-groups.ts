// os-server-groups: a project's groups of servers placed by policy. When a server is created
// with the hint `group=<id>`, the scheduler's ServerGroupAffinityFilter /
// ServerGroupAntiAffinityFilter (hard policies, which the conductor's claims also keep) or
// ServerGroupSoft(Anti)AffinityWeigher (soft policies, from 2.15) read them.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { ServerGroup, ServerGroupPolicy } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, forbidden, notFound } from '../faults.js';
import { allowed, authorize, empty, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { serverGroupCreateCheck } from '../schemas.js';
import { serverGroupView } from '../views/server-group-view.js';

export const groupNotFound = (id: string) => notFound(`Instance group ${id} could not be found.`);

/** Pure: the group a create body asks for, or the reason it cannot be made here. */
export function groupFromBody(
  body: ReturnType<ReturnType<typeof serverGroupCreateCheck>>['server_group'],
): { policy: ServerGroupPolicy; rules: ServerGroup['rules'] } | string {
  const policy = body.policy ?? body.policies![0]!;
  const max = body.rules?.max_server_per_host;
  if (max !== undefined && policy !== 'anti-affinity') return 'Only anti-affinity policy supports rules.';
  return { policy: policy as ServerGroupPolicy, rules: max !== undefined ? { max_server_per_host: Number(max) } : {} };
}

async function createGroup(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-server-groups:create');
  const body = serverGroupCreateCheck(c.st.version)(c.body).server_group;
  const wanted = groupFromBody(body);
  if (typeof wanted === 'string') throw badRequest(wanted);
  const pid = c.st.auth.project_id;
  const [quota, usage] = await Promise.all([c.deps.conductor.call.quota_get(pid), c.deps.conductor.call.quota_usage(pid)]);
  if (quota.server_groups >= 0 && usage.server_groups >= quota.server_groups) throw forbidden('Quota exceeded, too many server groups.');
  const created = await c.deps.conductor.call.server_group_create({
    id: randomUUID(),
    name: body.name,
    ...wanted,
    members: [],
    project_id: pid,
    user_id: c.st.auth.user_id,
    created_at: new Date().toISOString(),
  });
  return ok({ server_group: serverGroupView(created, c.st.version) });
}

async function listGroups(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-server-groups:index');
  const all = queryOne(c, 'all_projects') !== undefined && allowed(c, 'os_compute_api:os-server-groups:index:all_projects');
  const groups = await c.deps.conductor.call.server_group_list(all ? {} : { project_id: c.st.auth.project_id });
  // Nova's common.limited: offset and limit, capped at the API's maximum.
  const num = (k: string, fallback: number) => {
    const raw = queryOne(c, k);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) throw badRequest(`${k} param must be an integer`);
    return Number(raw);
  };
  const offset = num('offset', 0);
  const limit = Math.min(num('limit', c.deps.settings.maxLimit), c.deps.settings.maxLimit);
  return ok({ server_groups: groups.slice(offset, offset + limit).map((g) => serverGroupView(g, c.st.version)) });
}

async function visibleGroup(c: Call, rule: string): Promise<ServerGroup> {
  const g = await c.deps.conductor.call.server_group_get(c.params.id!);
  if (!g) throw groupNotFound(c.params.id!);
  authorize(c, rule, g);
  return g;
}

async function showGroup(c: Call): Promise<Reply> {
  return ok({ server_group: serverGroupView(await visibleGroup(c, 'os_compute_api:os-server-groups:show'), c.st.version) });
}

async function deleteGroup(c: Call): Promise<Reply> {
  const g = await visibleGroup(c, 'os_compute_api:os-server-groups:delete');
  if (!(await c.deps.conductor.call.server_group_delete(g.id))) throw groupNotFound(g.id);
  return empty(204);
}

export function serverGroupRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/os-server-groups').get(handle(deps, listGroups)).post(handle(deps, createGroup)).all(methodNotAllowed);
  r.route('/os-server-groups/:id').get(handle(deps, showGroup)).delete(handle(deps, deleteGroup)).all(methodNotAllowed);
  return r;
}
