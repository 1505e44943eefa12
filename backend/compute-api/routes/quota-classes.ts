// os-quota-class-sets: the quota class "default" is every project's defaults (Nova's
// DbQuotaDriver); an admin shows and changes it. Keys per microversion as Nova's: before 2.50
// the network quotas and no server-group ones; 2.57 drops the injected-file ones.
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { badRequest } from '../faults.js';
import { methodNotAllowed } from '../http/errors.js';
import { authorize, handle, ok, type Call, type Reply } from '../http/kit.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { versionedCheck } from '../schemas.js';

/** The keys a class has, in Nova's order (QUOTAS.resources). */
const KEYS = [
  'instances',
  'cores',
  'ram',
  'floating_ips',
  'fixed_ips',
  'metadata_items',
  'key_pairs',
  'security_groups',
  'security_group_rules',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'server_groups',
  'server_group_members',
];
/** nova-network's quotas, which Nova still shows before 2.50 (the lab has no such network). */
const NETWORK_DEFAULTS: Record<string, number> = { fixed_ips: -1, floating_ips: 10, security_groups: 10, security_group_rules: 20 };
const NETWORK = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules'];
const FILES = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];
const GROUPS = ['server_groups', 'server_group_members'];

/** The keys a class shows at this version. */
function shownKeys(v: ApiVersion): string[] {
  let keys = KEYS;
  if (!atLeast(v, '2.50')) return keys.filter((k) => !GROUPS.includes(k));
  keys = keys.filter((k) => !NETWORK.includes(k));
  return atLeast(v, '2.57') ? keys.filter((k) => !FILES.includes(k)) : keys;
}

const quotaInt = { type: ['integer', 'string'], pattern: '^-?[0-9]+$', minimum: -1, minLength: 1 };

/** The keys an update may name: Nova's quota_resources (with nova-network's "networks" before 2.50). */
const updateCheck = versionedCheck<{ quota_class_set: Record<string, number | string> }>(['2.50', '2.57'], (v) => {
  const keys = [...shownKeys(v), ...(atLeast(v, '2.50') ? [] : ['networks', ...GROUPS])];
  return {
    type: 'object',
    properties: {
      quota_class_set: { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, quotaInt])), additionalProperties: false },
    },
    required: ['quota_class_set'],
    additionalProperties: false,
  };
});

/** A class's values: its own where it has them, else the defaults (as Nova's get_class_quotas). */
async function classValues(c: Call, name: string): Promise<Record<string, number>> {
  const [defaults, own] = await Promise.all([c.deps.conductor.call.quota_defaults(), c.deps.conductor.call.quota_class_get(name)]);
  const all: Record<string, number> = { ...NETWORK_DEFAULTS, ...(defaults as unknown as Record<string, number>), ...own };
  return Object.fromEntries(shownKeys(c.st.version).map((k) => [k, all[k]!]));
}

async function showClass(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-quota-class-sets:show');
  const name = c.params.id!;
  return ok({ quota_class_set: { id: name, ...(await classValues(c, name)) } });
}

async function updateClass(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-quota-class-sets:update');
  const name = c.params.id!;
  if (name.length < 1 || name.length > 255) throw badRequest('quota_class_name has a length outside 1..255 characters.');
  const body = updateCheck(c.st.version)(c.body).quota_class_set;
  const values = Object.fromEntries(Object.entries(body).map(([k, x]) => [k, Number(x)]));
  await c.deps.conductor.call.quota_class_update(name, values);
  return ok({ quota_class_set: await classValues(c, name) });
}

export function quotaClassRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/os-quota-class-sets/:id').get(handle(deps, showClass)).put(handle(deps, updateClass)).all(methodNotAllowed);
  return r;
}
