// /v3/roles, role grants on projects (PUT is idempotent) and /v3/role_assignments. Admin only.
import { Router, type Request } from 'express';
import { conflict, KeystoneError, notFound } from '../errors.js';
import { admin, param, query, type IdentityDeps } from '../policy.js';
import { newId, type AssignmentRow, type IdentityStore, type RoleRow } from '../identity-store.js';
import { validateRoleCreate } from '../schemas.js';
import { listBody, roleView } from '../views.js';

const GRANT = '/v3/projects/:project/users/:user/roles/:role';

/** The grant a request names; 404 names whichever part does not exist. */
function grantOf(deps: IdentityDeps, req: Request, withRole = true): AssignmentRow {
  const [projectId, userId, roleId] = [param(req, 'project'), param(req, 'user'), param(req, 'role')];
  if (!deps.store.project(projectId)) throw notFound('project', projectId);
  if (!deps.store.user(userId)) throw notFound('user', userId);
  if (withRole && !deps.store.role(roleId)) throw notFound('role', roleId);
  return { user_id: userId, project_id: projectId, role_id: roleId };
}

/** Pure-ish: one role_assignments entry, with names when asked. */
function assignmentView(store: IdentityStore, a: AssignmentRow, base: string, names: boolean) {
  const named = (row: { id: string; name: string } | undefined, extra: object = {}) =>
    names && row ? { id: row.id, name: row.name, ...extra } : { id: row?.id };
  const user = store.user(a.user_id);
  const project = store.project(a.project_id);
  const domain = (id: string | undefined) => {
    const d = id ? store.domain({ id }) : undefined;
    return { domain: { id: d?.id, name: d?.name } };
  };
  return {
    role: named(store.role(a.role_id)),
    user: named(user, names ? domain(user?.domain_id) : {}),
    scope: { project: named(project, names ? domain(project?.domain_id) : {}) },
    links: { assignment: `${base}/v3/projects/${a.project_id}/users/${a.user_id}/roles/${a.role_id}` },
  };
}

function listAssignments(deps: IdentityDeps, req: Request): AssignmentRow[] {
  const [userId, projectId, roleId] = [query(req, 'user.id'), query(req, 'scope.project.id'), query(req, 'role.id')];
  let rows: AssignmentRow[] = deps.store.data.assignments.filter(
    (a) => (userId === undefined || a.user_id === userId) && (projectId === undefined || a.project_id === projectId),
  );
  if (query(req, 'effective') !== undefined) {
    const pairs = new Map(rows.map((a) => [`${a.user_id}/${a.project_id}`, a]));
    rows = [...pairs.values()].flatMap((a) =>
      deps.tokens.effectiveRoles(a.user_id, a.project_id).map((role) => ({ ...a, role_id: role.id })),
    );
  }
  return rows.filter((a) => roleId === undefined || a.role_id === roleId);
}

export function roleRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const base = deps.config.urls.identity;

  r.get('/v3/roles', (req, res) => {
    admin(req, deps, 'list_roles');
    const name = query(req, 'name');
    const rows = deps.store.data.roles.filter((x) => name === undefined || x.name === name);
    res.json(
      listBody(
        'roles',
        rows.map((x) => roleView(x, base)),
        `${base}/v3/roles`,
      ),
    );
  });
  r.post('/v3/roles', async (req, res) => {
    admin(req, deps, 'create_role');
    const input = validateRoleCreate(req.body).role;
    if (deps.store.roleByName(input.name)) throw conflict(`role - a role named ${input.name} already exists.`);
    const row: RoleRow = { id: newId(), name: input.name.trim(), description: input.description ?? null };
    await deps.store.update((d) => {
      d.roles.push(row);
    });
    res.status(201).json({ role: roleView(row, base) });
  });
  r.get('/v3/roles/:id', (req, res) => {
    admin(req, deps, 'get_role');
    const role = deps.store.role(param(req, 'id'));
    if (!role) throw notFound('role', param(req, 'id'));
    res.json({ role: roleView(role, base) });
  });

  r.get('/v3/projects/:project/users/:user/roles', (req, res) => {
    admin(req, deps, 'list_grants');
    const { user_id, project_id } = grantOf(deps, req, false);
    const rows = deps.store.assignedRoles(user_id, project_id);
    res.json(
      listBody(
        'roles',
        rows.map((x) => roleView(x, base)),
        `${base}/v3/projects/${project_id}/users/${user_id}/roles`,
      ),
    );
  });
  r.route(GRANT)
    .get((req, res) => {
      // HEAD arrives here too: 204 when granted, 404 when not.
      admin(req, deps, 'check_grant');
      const grant = grantOf(deps, req);
      if (!deps.store.hasAssignment(grant)) throw new KeystoneError(404, 'Could not find role assignment.');
      res.status(204).end();
    })
    .put(async (req, res) => {
      admin(req, deps, 'create_grant');
      const grant = grantOf(deps, req);
      if (!deps.store.hasAssignment(grant))
        await deps.store.update((d) => {
          d.assignments.push(grant);
        });
      res.status(204).end();
    })
    .delete(async (req, res) => {
      admin(req, deps, 'revoke_grant');
      const grant = grantOf(deps, req);
      if (!deps.store.hasAssignment(grant)) throw new KeystoneError(404, 'Could not find role assignment.');
      await deps.store.update((d) => {
        d.assignments = d.assignments.filter(
          (a) => !(a.user_id === grant.user_id && a.project_id === grant.project_id && a.role_id === grant.role_id),
        );
      });
      res.status(204).end();
    });

  r.get('/v3/role_assignments', (req, res) => {
    admin(req, deps, 'list_role_assignments');
    const names = query(req, 'include_names') !== undefined && query(req, 'include_names') !== 'false';
    const rows = listAssignments(deps, req).map((a) => assignmentView(deps.store, a, base, names));
    res.json(listBody('role_assignments', rows, `${base}/v3/role_assignments`));
  });
  return r;
}
