// /v3/projects. Admins see and change every project. Other users see only the projects they
// have a role on: a filtered list instead of a 403, so `openstack quota show <own project>`
// (GET /v3/projects/<name> → 404 → GET /v3/projects?name=) works for members too.
import { Router, type Request } from 'express';
import { badRequest, conflict, forbidden, KeystoneError, notFound } from '../errors.js';
import { admin, caller, isAdmin, param, query, type IdentityDeps } from '../policy.js';
import { newId, removeProjectRows, type ProjectRow } from '../identity-store.js';
import { validateProjectCreate, validateProjectUpdate, type ProjectInput } from '../schemas.js';
import { PROTECTED_PROJECTS } from '../bootstrap.js';
import { listBody, projectView } from '../views.js';

/** Pure: the rows a list request asks for (name and domain are exact, as in Keystone). */
export function filterProjects(rows: readonly ProjectRow[], q: { name?: string; domain_id?: string; enabled?: string }) {
  return rows.filter(
    (p) =>
      (q.name === undefined || p.name === q.name) &&
      (q.domain_id === undefined || p.domain_id === q.domain_id) &&
      (q.enabled === undefined || p.enabled === !['false', '0', 'no'].includes(q.enabled.toLowerCase())),
  );
}

const isProtected = (p: ProjectRow) => p.domain_id === 'default' && PROTECTED_PROJECTS.includes(p.name);

function existing(deps: IdentityDeps, req: Request): ProjectRow {
  const id = param(req, 'id');
  const project = deps.store.project(id);
  if (!project) throw notFound('project', id);
  return project;
}

function checkCreate(deps: IdentityDeps, input: ProjectInput): string {
  const domainId = input.domain_id ?? 'default';
  if (!deps.store.domain({ id: domainId })) throw badRequest(`Invalid input for 'project.domain_id': no domain ${domainId}.`);
  if (input.is_domain) throw badRequest('Projects acting as domains are not supported in novalab.');
  if (input.parent_id && input.parent_id !== domainId)
    throw badRequest('Nested projects are not supported in novalab: parent_id must be the domain.');
  if (deps.store.projectByName(input.name, domainId)) {
    throw conflict(`project - it is not permitted to have two projects with the same name in the same domain : ${input.name}.`);
  }
  return domainId;
}

export function projectRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const base = deps.config.urls.identity;

  r.get('/v3/projects', (req, res) => {
    const who = caller(req, deps);
    const visible = isAdmin(who) ? deps.store.data.projects : deps.store.projectsOf(who.user.id);
    const rows = filterProjects(visible, { name: query(req, 'name'), domain_id: query(req, 'domain_id'), enabled: query(req, 'enabled') });
    res.json(
      listBody(
        'projects',
        rows.map((p) => projectView(p, base)),
        `${base}/v3/projects`,
      ),
    );
  });

  r.post('/v3/projects', async (req, res) => {
    admin(req, deps, 'create_project');
    const input = validateProjectCreate(req.body).project;
    const domainId = checkCreate(deps, input);
    const row: ProjectRow = {
      id: newId(),
      name: input.name.trim(),
      domain_id: domainId,
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      tags: input.tags ?? [],
      created_at: new Date().toISOString(),
    };
    await deps.store.update((d) => {
      d.projects.push(row);
    });
    deps.log.info(`project ${row.name} created (${row.id})`);
    res.status(201).json({ project: projectView(row, base) });
  });

  r.get('/v3/projects/:id', (req, res) => {
    const who = caller(req, deps);
    const project = existing(deps, req);
    if (!isAdmin(who) && !deps.store.projectsOf(who.user.id).some((p) => p.id === project.id)) throw forbidden('identity:get_project');
    res.json({ project: projectView(project, base) });
  });

  r.patch('/v3/projects/:id', async (req, res) => {
    admin(req, deps, 'update_project');
    const project = existing(deps, req);
    const change = validateProjectUpdate(req.body).project;
    if (isProtected(project) && ((change.name !== undefined && change.name !== project.name) || change.enabled === false)) {
      throw new KeystoneError(403, `Project ${project.name} is part of the lab's bootstrap: it cannot be renamed or disabled.`);
    }
    const clash = change.name !== undefined && deps.store.projectByName(change.name, project.domain_id);
    if (clash && clash.id !== project.id) throw conflict(`project - a project named ${change.name} already exists in this domain.`);
    await deps.store.update(() => {
      if (change.name !== undefined) project.name = change.name.trim();
      if (change.description !== undefined) project.description = change.description ?? '';
      if (change.enabled !== undefined) project.enabled = change.enabled;
      if (change.tags !== undefined) project.tags = change.tags;
    });
    res.json({ project: projectView(project, base) });
  });

  r.delete('/v3/projects/:id', async (req, res) => {
    admin(req, deps, 'delete_project');
    const project = existing(deps, req);
    if (isProtected(project)) {
      throw new KeystoneError(403, `Project ${project.name} is part of the lab's bootstrap and cannot be deleted.`);
    }
    await deps.store.update((d) => removeProjectRows(d, project.id));
    deps.log.info(`project ${project.name} deleted (${project.id})`);
    res.status(204).end();
  });
  return r;
}
