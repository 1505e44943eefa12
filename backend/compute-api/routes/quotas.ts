// GET /limits and os-quota-sets: a project's quotas and usage, through the conductor.
import { Router } from 'express';
import type { QuotaSet } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { badRequest } from '../faults.js';
import { authorize, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { checkQuotaUpdate } from '../schemas.js';
import { limitsView, quotaSetView, quotaValues } from '../views/account-views.js';

const NETWORK_KEYS = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules', 'networks'];
const FILE_KEYS = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

async function limits(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:limits');
  let project = c.st.auth.project_id;
  const other = queryOne(c, 'tenant_id');
  if (other && other !== project) {
    authorize(c, 'os_compute_api:limits:other_project');
    project = other;
  }
  const [q, u] = await Promise.all([c.deps.conductor.call.quota_get(project), c.deps.conductor.call.quota_usage(project)]);
  return ok(limitsView(q, u, c.st.version));
}

async function showQuota(c: Call, detail: boolean): Promise<Reply> {
  const project = c.params.project!;
  authorize(c, `os_compute_api:os-quota-sets:${detail ? 'detail' : 'show'}`, { project_id: project });
  const q = await c.deps.conductor.call.quota_get(project);
  const usage = detail ? await c.deps.conductor.call.quota_usage(project) : undefined;
  return ok(quotaSetView(project, q, c.st.version, usage));
}

async function updateQuota(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-quota-sets:update');
  const body = checkQuotaUpdate(c.body).quota_set;
  const values: Partial<QuotaSet> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'force') continue;
    if (NETWORK_KEYS.includes(k)) {
      if (atLeast(c.st.version, '2.36'))
        throw badRequest(`Invalid input for field/attribute quota_set. Additional properties are not allowed ('${k}' was unexpected)`);
      continue;
    }
    if (FILE_KEYS.includes(k) && atLeast(c.st.version, '2.57')) {
      throw badRequest(`Invalid input for field/attribute quota_set. Additional properties are not allowed ('${k}' was unexpected)`);
    }
    (values as Record<string, number>)[k] = Number(v);
  }
  const q = await c.deps.conductor.call.quota_update(c.params.project!, values);
  return ok({ quota_set: quotaValues(q, c.st.version) });
}

async function revertQuota(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-quota-sets:update');
  await c.deps.conductor.call.quota_delete(c.params.project!);
  return { status: 202 };
}

export function quotaRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/limits').get(handle(deps, limits)).all(methodNotAllowed);
  r.route('/os-quota-sets/:project')
    .get(handle(deps, (c) => showQuota(c, false)))
    .put(handle(deps, updateQuota))
    .delete(handle(deps, revertQuota))
    .all(methodNotAllowed);
  r.route('/os-quota-sets/:project/detail')
    .get(handle(deps, (c) => showQuota(c, true)))
    .all(methodNotAllowed);
  r.route('/os-quota-sets/:project/defaults')
    .get(
      handle(deps, async (c) => {
        authorize(c, 'os_compute_api:os-quota-sets:defaults');
        return ok(quotaSetView(c.params.project!, await c.deps.conductor.call.quota_defaults(), c.st.version));
      }),
    )
    .all(methodNotAllowed);
  return r;
}
