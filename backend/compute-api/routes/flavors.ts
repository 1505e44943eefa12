// Flavors and their extra specs. Reading is for everyone; creating, deleting and changing
// extra specs is for admins (Nova's defaults).
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Flavor } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { ApiFault, badRequest, conflict, notFound } from '../faults.js';
import { authorize, empty, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { applyPage, pageParams } from '../http/paging.js';
import { checkAddTenantAccess, checkExtraSpecOne, checkExtraSpecs, checkRemoveTenantAccess, flavorCreateCheck } from '../schemas.js';
import { invalidProject, verifyProjectId } from '../identity-check.js';
import { flavorBasic, flavorDetail } from '../views/flavor-view.js';
import { nextLinks } from '../views/format.js';
import { toBool } from '../validation.js';
import { atLeast } from '../microversion.js';

const flavorNotFound = (id: string) => notFound(`Flavor ${id} could not be found.`);

/**
 * A flavor as the caller's query finds it (Nova's flavor query): admins find every flavor,
 * others the public ones and the private ones their project was given access to; any other
 * is null, as if it did not exist.
 */
export async function flavorForCaller(
  conductor: ApiDeps['conductor'],
  auth: { is_admin: boolean; project_id: string },
  id: string,
): Promise<Flavor | null> {
  return auth.is_admin ? conductor.call.flavor_get(id) : conductor.call.flavor_get(id, auth.project_id);
}

/**
 * is_public as Nova parses it for admins: absent → the public flavors and those the caller's
 * project was given access to; "None" → all; else a boolean (false: the private ones).
 */
function parseIsPublic(raw: string | undefined): boolean | null {
  if (raw === undefined) return true;
  if (raw.toLowerCase() === 'none') return null;
  const t = raw.toLowerCase();
  if (['true', '1', 't', 'yes', 'y', 'on'].includes(t)) return true;
  if (['false', '0', 'f', 'no', 'n', 'off'].includes(t)) return false;
  throw badRequest(`Invalid is_public filter [${raw}]`);
}

function intFilter(c: Call, key: string): number | null {
  const raw = queryOne(c, key);
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid ${key} filter [${raw}]`);
  return Number(raw);
}

async function listFlavors(c: Call, detail: boolean): Promise<Reply> {
  const admin = c.st.auth.is_admin;
  const isPublic = admin ? parseIsPublic(queryOne(c, 'is_public')) : true;
  const minRam = intFilter(c, 'minRam');
  const minDisk = intFilter(c, 'minDisk');
  // Public ones and the caller's private ones, unless an admin asked for every or the private ones.
  const all = await c.deps.conductor.call.flavor_list({ include_private: admin && isPublic !== true, project_id: c.st.auth.project_id });
  const dir = queryOne(c, 'sort_dir') === 'desc' ? -1 : 1;
  const key = (queryOne(c, 'sort_key') ?? 'flavorid') as string;
  const sortVal = (f: Flavor): string | number =>
    (({ flavorid: f.id, id: f.id, name: f.name, memory_mb: f.ram, vcpus: f.vcpus, root_gb: f.disk }) as Record<string, string | number>)[
      key
    ] ?? f.id;
  const flavors = all
    .filter((f) => isPublic !== false || f.is_public === false)
    .filter((f) => admin || !f.disabled)
    .filter((f) => (minRam === null || f.ram >= minRam) && (minDisk === null || f.disk >= minDisk))
    .sort((a, b) => {
      const x = sortVal(a);
      const y = sortVal(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  const page = pageParams(c.query, c.deps.settings.maxLimit);
  const shown = applyPage(flavors, page, (f) => f.id, c.deps.settings.maxLimit);
  const body: Record<string, unknown> = {
    flavors: shown.map((f) => (detail ? flavorDetail(f, c.st.base, c.st.version) : flavorBasic(f, c.st.base, c.st.version))),
  };
  const next = nextLinks(c.st.base, detail ? 'flavors/detail' : 'flavors', c.query, shown, page.limit);
  if (next) body.flavors_links = next;
  return ok(body);
}

async function getFlavor(c: Call): Promise<Flavor> {
  const f = await flavorForCaller(c.deps.conductor, c.st.auth, c.params.id!);
  if (!f) throw flavorNotFound(c.params.id!);
  return f;
}

async function createFlavor(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-flavor-manage:create');
  const f = flavorCreateCheck(c.st.version)(c.body).flavor;
  const id = f.id === undefined || f.id === null ? randomUUID() : String(f.id);
  const existing = await c.deps.conductor.call.flavor_list({ include_private: true });
  if (existing.some((x) => x.name === f.name)) throw conflict(`Flavor with name ${f.name} already exists.`);
  if (existing.some((x) => x.id === id)) throw conflict(`Flavor with ID ${id} already exists.`);
  const flavor: Flavor = {
    id,
    name: f.name,
    ram: Number(f.ram),
    vcpus: Number(f.vcpus),
    disk: Number(f.disk),
    ephemeral: Number(f['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
    swap: Number(f.swap ?? 0),
    rxtx_factor: Number(f.rxtx_factor ?? 1),
    is_public: f['os-flavor-access:is_public'] === undefined ? true : toBool(f['os-flavor-access:is_public']),
    disabled: false,
    description: f.description ?? null,
    extra_specs: {},
  };
  const created = await c.deps.conductor.call.flavor_create(flavor);
  return ok({ flavor: flavorDetail(created, c.st.base, c.st.version) });
}

async function deleteFlavor(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-flavor-manage:delete');
  if (!(await c.deps.conductor.call.flavor_delete(c.params.id!))) throw flavorNotFound(c.params.id!);
  return empty(202);
}

/** 2.55: PUT /flavors/{id} changes the description, and nothing else. */
async function updateFlavor(c: Call): Promise<Reply> {
  if (!atLeast(c.st.version, '2.55')) throw new ApiFault(405, 'Updating a flavor needs microversion 2.55 or later.');
  authorize(c, 'os_compute_api:os-flavor-manage:update');
  const flavor = (c.body as { flavor?: Record<string, unknown> } | null)?.flavor;
  const keys = flavor && typeof flavor === 'object' ? Object.keys(flavor) : [];
  if (!flavor || keys.length !== 1 || keys[0] !== 'description')
    throw badRequest("Invalid input for field/attribute flavor. Only 'description' may be updated.");
  const description = flavor.description;
  if (description !== null && (typeof description !== 'string' || description.length > 65535))
    throw badRequest('Invalid input for field/attribute description.');
  const updated = await c.deps.conductor.call.flavor_update(c.params.id!, { description: description as string | null });
  if (!updated) throw flavorNotFound(c.params.id!);
  return ok({ flavor: flavorDetail(updated, c.st.base, c.st.version) });
}

/** Nova's body for a flavor's access list: one entry per project. */
const accessBody = (flavorId: string, projects: string[]) => ({
  flavor_access: projects.map((tenant_id) => ({ flavor_id: flavorId, tenant_id })),
});

/** GET /flavors/{id}/os-flavor-access (admin): the projects a private flavor is shared with. */
async function listAccess(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-flavor-access');
  const f = await getFlavor(c);
  if (f.is_public) throw notFound('Access list not available for public flavors.');
  return ok(accessBody(f.id, (await c.deps.conductor.call.flavor_access_list(f.id)) ?? []));
}

/** POST /flavors/{id}/action: addTenantAccess, removeTenantAccess (200 with the new list). */
async function flavorAction(c: Call): Promise<Reply> {
  const body = c.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
    throw badRequest('Malformed request body');
  const key = Object.keys(body)[0]!;
  const conductor = c.deps.conductor.call;
  const verify = (tenant: string) => verifyProjectId(c.deps.settings.identityUrl, c.st.token, tenant);
  switch (key) {
    case 'addTenantAccess': {
      const { tenant } = checkAddTenantAccess(body).addTenantAccess;
      authorize(c, 'os_compute_api:os-flavor-access:add_tenant_access');
      await verify(tenant);
      const f = await getFlavor(c);
      if (atLeast(c.st.version, '2.7') && f.is_public) throw conflict('Can not add access to a public flavor.');
      return ok(accessBody(f.id, await conductor.flavor_access_add(f.id, tenant)));
    }
    case 'removeTenantAccess': {
      const { tenant } = checkRemoveTenantAccess(body).removeTenantAccess;
      authorize(c, 'os_compute_api:os-flavor-access:remove_tenant_access');
      // A project keystone does not know may still be removed from the list.
      await verify(tenant).catch((err: unknown) => {
        if (!(err instanceof ApiFault && err.message === invalidProject(tenant))) throw err;
      });
      const f = await getFlavor(c);
      return ok(accessBody(f.id, await conductor.flavor_access_remove(f.id, tenant)));
    }
    default:
      throw badRequest(`There is no such action: ${key}`);
  }
}

const specString = (v: string | number | boolean) => (typeof v === 'string' ? v : String(v));

async function setSpecs(c: Call, specs: Record<string, string | number | boolean>): Promise<Record<string, string>> {
  const values = Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, specString(v)]));
  if (!(await c.deps.conductor.call.flavor_extra_specs_update(c.params.id!, values))) throw flavorNotFound(c.params.id!);
  return values;
}

const specNotFound = (id: string, key: string) => notFound(`Flavor ${id} has no extra specs with key ${key}.`);

export function flavorRoutes(deps: ApiDeps): Router {
  const r = Router();
  const h = (fn: (c: Call) => Promise<Reply>) => handle(deps, fn);
  r.route('/flavors')
    .get(h((c) => listFlavors(c, false)))
    .post(h(createFlavor))
    .all(methodNotAllowed);
  r.route('/flavors/detail')
    .get(h((c) => listFlavors(c, true)))
    .all(methodNotAllowed);
  r.route('/flavors/:id')
    .get(h(async (c) => ok({ flavor: flavorDetail(await getFlavor(c), c.st.base, c.st.version) })))
    .put(h(updateFlavor))
    .delete(h(deleteFlavor))
    .all(methodNotAllowed);
  r.route('/flavors/:id/os-flavor-access').get(h(listAccess)).all(methodNotAllowed);
  r.route('/flavors/:id/action').post(h(flavorAction)).all(methodNotAllowed);
  r.route('/flavors/:id/os-extra_specs')
    .get(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-flavor-extra-specs:index');
        return ok({ extra_specs: { ...(await getFlavor(c)).extra_specs } });
      }),
    )
    .post(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-flavor-extra-specs:create');
        return ok({ extra_specs: await setSpecs(c, checkExtraSpecs(c.body).extra_specs) });
      }),
    )
    .all(methodNotAllowed);
  r.route('/flavors/:id/os-extra_specs/:key')
    .get(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-flavor-extra-specs:show');
        const f = await getFlavor(c);
        const key = c.params.key!;
        if (!(key in f.extra_specs)) throw specNotFound(f.id, key);
        return ok({ [key]: f.extra_specs[key] });
      }),
    )
    .put(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-flavor-extra-specs:update');
        const body = checkExtraSpecOne(c.body);
        if (!(c.params.key! in body)) throw badRequest('Request body and URI mismatch');
        return ok(await setSpecs(c, body));
      }),
    )
    .delete(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-flavor-extra-specs:delete');
        const f = await getFlavor(c);
        if (!(c.params.key! in f.extra_specs)) throw specNotFound(f.id, c.params.key!);
        await c.deps.conductor.call.flavor_extra_specs_update(f.id, { [c.params.key!]: null });
        // Nova's delete has no response decorator: 200 with an empty body.
        return empty(200);
      }),
    )
    .all(methodNotAllowed);
  return r;
}
