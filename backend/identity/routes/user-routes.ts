// /v3/users. Admins manage users; every user may read itself and list its own projects.
// A password change or a disabled user ends the user's tokens. The bootstrap users the lab
// runs on (admin, nova) cannot be deleted, renamed or disabled.
import { Router, type Request } from 'express';
import { badRequest, conflict, KeystoneError, notFound } from '../errors.js';
import { admin, caller, param, query, selfOrAdmin, type IdentityDeps } from '../policy.js';
import { newId, removeUserRows, type UserRow } from '../identity-store.js';
import { USER_FIELDS, validateUserCreate, validateUserUpdate, type UserInput } from '../schemas.js';
import { hashPassword } from '../passwords.js';
import { BOOTSTRAP, PROTECTED_USERS } from '../bootstrap.js';
import { listBody, projectView, userView } from '../views.js';

const isProtected = (u: UserRow) => u.domain_id === BOOTSTRAP.domain.id && PROTECTED_USERS.includes(u.name);

function existing(deps: IdentityDeps, req: Request): UserRow {
  const id = param(req, 'id');
  const user = deps.store.user(id);
  if (!user) throw notFound('user', id);
  return user;
}

/** Keystone keeps unknown user attributes (minus what it owns: id, links, password_expires_at) as extras. */
const NOT_EXTRA = new Set([...USER_FIELDS, 'id', 'links', 'password_expires_at']);
function extrasOf(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !NOT_EXTRA.has(k)));
}

function checkDefaultProject(deps: IdentityDeps, id: string | null | undefined): void {
  if (id && !deps.store.project(id)) throw badRequest(`Invalid input for 'user.default_project_id': no project ${id}.`);
}

function checkUpdate(deps: IdentityDeps, user: UserRow, change: Partial<UserInput>): void {
  const renamed = change.name !== undefined && change.name !== user.name;
  if (isProtected(user) && (renamed || change.enabled === false || (user.name === BOOTSTRAP.service.user && change.password))) {
    throw new KeystoneError(
      403,
      `User ${user.name} is part of the lab's bootstrap: it cannot be renamed or disabled, and nova's password lives in the lab's secrets.`,
    );
  }
  const clash = renamed && deps.store.userByName(change.name!, user.domain_id);
  if (clash && clash.id !== user.id) throw conflict(`user - a user named ${change.name} already exists in this domain.`);
  checkDefaultProject(deps, change.default_project_id);
}

export function userRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const base = deps.config.urls.identity;

  r.get('/v3/users', (req, res) => {
    admin(req, deps, 'list_users');
    const name = query(req, 'name');
    const domainId = query(req, 'domain_id');
    const rows = deps.store.data.users.filter(
      (u) => (name === undefined || u.name === name) && (domainId === undefined || u.domain_id === domainId),
    );
    res.json(
      listBody(
        'users',
        rows.map((u) => userView(u, base)),
        `${base}/v3/users`,
      ),
    );
  });

  r.post('/v3/users', async (req, res) => {
    admin(req, deps, 'create_user');
    const input = validateUserCreate(req.body).user;
    const domainId = input.domain_id ?? BOOTSTRAP.domain.id;
    if (!deps.store.domain({ id: domainId })) throw badRequest(`Invalid input for 'user.domain_id': no domain ${domainId}.`);
    if (deps.store.userByName(input.name, domainId)) {
      throw conflict(`user - it is not permitted to have two users with the same name in the same domain : ${input.name}.`);
    }
    checkDefaultProject(deps, input.default_project_id);
    const row: UserRow = {
      id: newId(),
      name: input.name.trim(),
      domain_id: domainId,
      enabled: input.enabled ?? true,
      password_hash: input.password === undefined ? null : await hashPassword(input.password),
      default_project_id: input.default_project_id ?? null,
      email: input.email ?? null,
      description: input.description ?? null,
      created_at: new Date().toISOString(),
    };
    const extra = extrasOf(input);
    if (Object.keys(extra).length > 0) row.extra = extra;
    await deps.store.update((d) => {
      d.users.push(row);
    });
    deps.log.info(`user ${row.name} created (${row.id})`);
    res.status(201).json({ user: userView(row, base) });
  });

  r.get('/v3/users/:id', (req, res) => {
    caller(req, deps);
    const user = existing(deps, req);
    selfOrAdmin(req, deps, user.id, 'get_user');
    res.json({ user: userView(user, base) });
  });

  r.patch('/v3/users/:id', async (req, res) => {
    admin(req, deps, 'update_user');
    const user = existing(deps, req);
    const change = validateUserUpdate(req.body).user;
    checkUpdate(deps, user, change);
    const hash = change.password === undefined ? undefined : await hashPassword(change.password);
    await deps.store.update((d) => {
      if (change.name !== undefined) user.name = change.name.trim();
      if (change.enabled !== undefined) user.enabled = change.enabled;
      if (change.email !== undefined) user.email = change.email;
      if (change.description !== undefined) user.description = change.description;
      if (change.default_project_id !== undefined) user.default_project_id = change.default_project_id;
      if (hash !== undefined) user.password_hash = hash;
      const extra = { ...user.extra, ...extrasOf(change) };
      if (Object.keys(extra).length > 0) user.extra = extra;
      if (hash !== undefined || change.enabled === false) d.tokens = d.tokens.filter((t) => t.user_id !== user.id);
    });
    res.json({ user: userView(user, base) });
  });

  r.delete('/v3/users/:id', async (req, res) => {
    admin(req, deps, 'delete_user');
    const user = existing(deps, req);
    if (isProtected(user)) throw new KeystoneError(403, `User ${user.name} is part of the lab's bootstrap and cannot be deleted.`);
    await deps.store.update((d) => removeUserRows(d, user.id));
    deps.log.info(`user ${user.name} deleted (${user.id})`);
    res.status(204).end();
  });

  r.get('/v3/users/:id/projects', (req, res) => {
    caller(req, deps);
    const user = existing(deps, req);
    selfOrAdmin(req, deps, user.id, 'list_user_projects');
    const rows = deps.store.projectsOf(user.id);
    res.json(
      listBody(
        'projects',
        rows.map((p) => projectView(p, base)),
        `${base}/v3/users/${user.id}/projects`,
      ),
    );
  });
  return r;
}
