// The small kit every route uses: the per-request state (request id, microversion, caller),
// a handler wrapper that runs inside the request's bus context and turns thrown faults into
// Nova's bodies, and the policy check.
import type { Request, RequestHandler, Response } from 'express';
import type { AuthContext } from '../../common/http/keystone-auth.js';
import { withContext } from '../../bus/client.js';
import type { RequestContext } from '../../../contract/events.js';
import type { ApiDeps } from '../deps.js';
import { forbidden } from '../faults.js';
import { decide, type Decision } from '../policy.js';
import type { ApiVersion } from '../microversion.js';

export interface RequestState {
  requestId: string;
  /** "http://127.0.0.1:8774": links are built on the host the client used. */
  base: string;
  version: ApiVersion;
  auth: AuthContext;
  token: string;
  /** Set by POST /servers before its first step, so every step names the instance. */
  instanceUuid?: string;
}

export const stateOf = (res: Response): RequestState => res.locals.nova as RequestState;

export function busContext(st: RequestState): RequestContext {
  return {
    request_id: st.requestId,
    user_id: st.auth?.user_id,
    project_id: st.auth?.project_id,
    is_admin: st.auth?.is_admin,
    ...(st.instanceUuid ? { instance_uuid: st.instanceUuid } : {}),
  };
}

export interface Call {
  req: Request;
  res: Response;
  st: RequestState;
  deps: ApiDeps;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** The body already encoded as JSON, in UTF-8 (a cached rendering); sent as res.json would send it. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (c: Call) => Promise<Reply>;

/** Wrap a handler: bus context from the request, reply as JSON, errors to the error handler. */
export function handle(deps: ApiDeps, fn: Handler): RequestHandler {
  return (req, res, next) => {
    const st = stateOf(res);
    const call: Call = {
      req,
      res,
      st,
      deps,
      params: req.params as Record<string, string>,
      query: req.query as Record<string, string | string[] | undefined>,
      body: req.body,
    };
    withContext(busContext(st), () => fn(call)).then((r) => reply(res, r), next);
  };
}

export function reply(res: Response, r: Reply): void {
  if (r.headers) res.set(r.headers);
  if (r.raw !== undefined) {
    // The headers res.json writes (express adds the charset only to a string body).
    res.status(r.status).set('Content-Type', 'application/json; charset=utf-8').send(r.raw);
    return;
  }
  if (r.body === undefined) {
    res.status(r.status).end();
    return;
  }
  res.status(r.status).json(r.body);
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const empty = (status: number): Reply => ({ status });

/** Enforce a policy rule; a denied rule is a 403 with Nova's message. */
export function authorize(c: Call, rule: string, target?: { project_id: string }): Decision {
  const d = decide(rule, { project_id: c.st.auth.project_id, is_admin: c.st.auth.is_admin }, target);
  if (!d.allowed) throw forbidden(d.message);
  return d;
}

/** The same check, without throwing: for fields only some callers see. */
export const allowed = (c: Call, rule: string) => decide(rule, { project_id: c.st.auth.project_id, is_admin: c.st.auth.is_admin }).allowed;

export function queryOne(c: Call, key: string): string | undefined {
  const v = c.query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}
