// GET /os-migrations (admin) as Nova answers it: the migrations table with its filters;
// migration_type from 2.23, uuid and paging (limit, marker, changes-since) from 2.59,
// changes-before from 2.66, user_id and project_id (fields and filters) from 2.80.
// GET /servers/{id}/migrations (2.23+) lists in-progress live migrations: the lab has none.
import { Router } from 'express';
import type { Migration } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { ApiFault, badRequest } from '../faults.js';
import { authorize, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { validateQuery } from '../http/query.js';
import { applyPage, pageParams } from '../http/paging.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { naiveTime, nextLinks } from '../views/format.js';
import { parseIsoTime } from '../iso-time.js';
import { visibleInstance } from './server-common.js';

const BASE_FILTERS = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type'];

/** Pure: one migration as os-migrations shows it at `version`. */
export function migrationView(m: Migration, version: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    status: m.status,
    instance_uuid: m.instance_uuid,
    source_node: m.source_node,
    source_compute: m.source_compute,
    dest_node: m.dest_node,
    dest_compute: m.dest_compute,
    dest_host: m.dest_host,
    old_instance_type_id: m.old_instance_type_id,
    new_instance_type_id: m.new_instance_type_id,
    created_at: naiveTime(m.created_at),
    updated_at: naiveTime(m.updated_at),
  };
  if (atLeast(version, '2.23')) out.migration_type = m.migration_type;
  if (atLeast(version, '2.59')) out.uuid = m.uuid;
  if (atLeast(version, '2.80')) Object.assign(out, { user_id: m.user_id, project_id: m.project_id });
  return out;
}

function timeParam(c: Call, key: string): number | null {
  const v = queryOne(c, key);
  if (v === undefined) return null;
  const t = parseIsoTime(v);
  if (t === null) throw badRequest(`Invalid input for query parameters ${key}. Value: ${v}. '${v}' is not a 'date-time'`);
  return t;
}

async function listMigrations(c: Call): Promise<Reply> {
  const v = c.st.version;
  const paged = atLeast(v, '2.59');
  if (paged) {
    const known = [...BASE_FILTERS, 'limit', 'marker', 'changes-since'];
    if (atLeast(v, '2.66')) known.push('changes-before');
    if (atLeast(v, '2.80')) known.push('user_id', 'project_id');
    validateQuery(c.query, known);
  }
  authorize(c, 'os_compute_api:os-migrations:index');
  const f = (k: string) => queryOne(c, k) || undefined;
  let all = await c.deps.conductor.call.migration_list({
    instance_uuid: f('instance_uuid'),
    status: f('status'),
    source_compute: f('source_compute'),
    host: f('host'),
    migration_type: f('migration_type'),
    ...(atLeast(v, '2.80') ? { user_id: f('user_id'), project_id: f('project_id') } : {}),
  });
  if (!paged) return ok({ migrations: all.map((m) => migrationView(m, v)) });
  const since = timeParam(c, 'changes-since');
  const before = atLeast(v, '2.66') ? timeParam(c, 'changes-before') : null;
  if (since !== null && before !== null && before < since)
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  const touched = (m: Migration) => Date.parse(m.updated_at ?? m.created_at);
  all = all.filter((m) => (since === null || touched(m) >= since) && (before === null || touched(m) <= before));
  const page = pageParams(c.query, c.deps.settings.maxLimit);
  let shown: Migration[];
  try {
    shown = applyPage(all, page, (m) => m.uuid, c.deps.settings.maxLimit);
  } catch {
    throw badRequest(`Marker ${page.marker} could not be found.`);
  }
  const body: Record<string, unknown> = { migrations: shown.map((m) => migrationView(m, v)) };
  const next = nextLinks(
    c.st.base,
    'os-migrations',
    c.query,
    shown.map((m) => ({ id: m.uuid })),
    page.limit,
  );
  if (next) body.migrations_links = next;
  return ok(body);
}

/** In-progress live migrations of one server: none ever in this lab (it has no live migration). */
async function serverMigrations(c: Call): Promise<Reply> {
  if (!atLeast(c.st.version, '2.23')) throw new ApiFault(404, 'The resource could not be found.');
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:servers:migrations:index', inst);
  return ok({ migrations: [] });
}

export function migrationRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/os-migrations').get(handle(deps, listMigrations)).all(methodNotAllowed);
  r.route('/servers/:id/migrations').get(handle(deps, serverMigrations)).all(methodNotAllowed);
  return r;
}
