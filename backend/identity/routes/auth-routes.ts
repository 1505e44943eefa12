// /v3/auth/*: issue (POST), validate (GET/HEAD) and revoke (DELETE) tokens, plus the caller's
// own projects and catalog. Logins (password or token) are the first two steps of the boot walkthrough,
// so they are published on the bus: user and project names, roles, expiry — never the
// token or the password.
import { Router, type Request, type Response } from 'express';
import { badRequest, forbidden, KeystoneError } from '../errors.js';
import { caller, isAdmin, query, type IdentityDeps } from '../policy.js';
import { validateAuthRequest, type AuthRequest } from '../schemas.js';
import { buildTokenBody, keystoneTime } from '../token-body.js';
import type { ResolvedToken } from '../token-service.js';
import { listBody, projectView } from '../views.js';
import { msg, messageText, summaryOf, type LabMessage } from '../../../contract/messages.js';

const AUTH_PATH = '/v3/auth/tokens';

function describeLogin(req: AuthRequest): { user: string | LabMessage; project: string | null } {
  // A re-scoping names no user: the GUI says so in the learner's language.
  if (req.auth.identity.methods[0] === 'token') return { user: msg('identity.tokenHolder'), project: scopeName(req) };
  const user = req.auth.identity.password?.user;
  const scope = req.auth.scope;
  const project = typeof scope === 'object' ? (scope.project?.name ?? scope.project?.id) : undefined;
  return { user: user?.name ?? user?.id ?? '?', project: project ?? null };
}

function scopeName(req: AuthRequest): string | null {
  const scope = req.auth.scope;
  return typeof scope === 'object' ? (scope.project?.name ?? scope.project?.id ?? null) : null;
}

/** Ties the step events to this HTTP request (as nova-api's are tied to theirs) and to the token's project. */
const requestCtx = (res: Response, project_id?: string) => {
  const id = res.getHeader('x-openstack-request-id');
  return typeof id === 'string' ? { request_id: id, ...(project_id ? { project_id } : {}) } : undefined;
};

function publishCredentials(
  deps: IdentityDeps,
  who: { user: string | LabMessage; project: string | null },
  startedAt: string,
  ctx?: { request_id: string; project_id?: string },
) {
  deps.publish({
    kind: 'step',
    step: 'identity.credentials',
    ctx,
    ...summaryOf(
      who.project
        ? msg('step.identityCredentials', { path: AUTH_PATH, user: who.user, project: who.project })
        : msg('step.identityCredentialsUnscoped', { path: AUTH_PATH, user: who.user }),
    ),
    // started_at: when keystone began checking them (the event itself is published once the token is issued).
    detail: {
      method: 'POST',
      path: AUTH_PATH,
      user: typeof who.user === 'string' ? who.user : messageText(who.user),
      project: who.project,
      started_at: startedAt,
    },
  });
}

function publishOutcome(
  deps: IdentityDeps,
  who: { user: string | LabMessage },
  token: ResolvedToken | null,
  error?: KeystoneError,
  ctx?: { request_id: string; project_id?: string },
) {
  if (!token) {
    deps.publish({
      kind: 'step',
      step: 'identity.token',
      ctx,
      ...summaryOf(msg('step.identityRefused', { user: who.user, status: error?.code ?? 500, error: error?.message ?? 'internal error' })),
      detail: { status: error?.code ?? 500, message: error?.message ?? null },
    });
    return;
  }
  const roles = token.roles.map((r) => r.name).join(', ') || 'none';
  deps.publish({
    kind: 'step',
    step: 'identity.token',
    ctx,
    ...summaryOf(
      token.project
        ? msg('step.identityToken', { user: token.user.name, project: token.project.name, roles })
        : msg('step.identityTokenUnscoped', { user: token.user.name, roles }),
    ),
    detail: {
      expires_at: keystoneTime(new Date(token.row.expires_at)),
      user: token.user.name,
      project: token.project?.name ?? null,
      roles: token.roles.map((r) => r.name),
      catalog: token.project ? deps.catalog.map((c) => c.type) : [],
    },
  });
}

async function issue(req: Request, res: Response, deps: IdentityDeps) {
  const startedAt = new Date().toISOString();
  const body = validateAuthRequest(req.body);
  const who = describeLogin(body);
  let result;
  try {
    result = await deps.tokens.authenticate(body);
  } catch (err) {
    // A refused login belongs to no project: only admin's event view shows it.
    const ctx = requestCtx(res);
    publishCredentials(deps, who, startedAt, ctx);
    publishOutcome(deps, who, null, err instanceof KeystoneError ? err : undefined, ctx);
    throw err;
  }
  // Published once the project is known, so the project's members (and admin) see their login steps.
  const ctx = requestCtx(res, result.token.project?.id);
  publishCredentials(deps, who, startedAt, ctx);
  publishOutcome(deps, who, result.token, undefined, ctx);
  deps.log.info(`token issued to user ${result.token.user.name} (project ${result.token.project?.name ?? 'none'})`);
  res.setHeader('X-Subject-Token', result.raw);
  res.status(201).json(buildTokenBody(deps.tokens.facts(result.token), deps.catalog));
}

/** The subject token of GET/HEAD/DELETE, after checking the caller may look at it. */
function subject(req: Request, deps: IdentityDeps) {
  const who = caller(req, deps);
  const raw = req.get('x-subject-token');
  if (!raw) throw badRequest('Expecting to find X-Subject-Token in the request headers.');
  const token = deps.tokens.resolve(raw);
  if (!token) throw new KeystoneError(404, 'The token is unknown, expired or revoked.');
  if (token.user.id !== who.user.id && !isAdmin(who)) throw forbidden('identity:validate_token');
  return { raw, token };
}

export function authRoutes(deps: IdentityDeps): Router {
  const r = Router();
  r.post('/v3/auth/tokens', (req, res) => issue(req, res, deps));
  r.get('/v3/auth/tokens', (req, res) => {
    const { raw, token } = subject(req, deps);
    const catalog = query(req, 'nocatalog') !== undefined ? null : deps.catalog;
    res.setHeader('X-Subject-Token', raw);
    res.status(200).json(buildTokenBody(deps.tokens.facts(token), catalog));
  });
  r.delete('/v3/auth/tokens', async (req, res) => {
    const { raw } = subject(req, deps);
    await deps.tokens.revoke(raw);
    res.status(204).end();
  });
  r.get('/v3/auth/projects', (req, res) => {
    const who = caller(req, deps);
    const projects = deps.store.projectsOf(who.user.id).filter((p) => p.enabled);
    const base = deps.config.urls.identity;
    res.json(
      listBody(
        'projects',
        projects.map((p) => projectView(p, base)),
        `${base}/v3/auth/projects`,
      ),
    );
  });
  r.get('/v3/auth/catalog', (req, res) => {
    const who = caller(req, deps);
    if (!who.project) throw forbidden('identity:get_auth_catalog (the token has no project scope)');
    res.json({ catalog: deps.catalog, links: { self: `${deps.config.urls.identity}/v3/auth/catalog`, previous: null, next: null } });
  });
  return r;
}
