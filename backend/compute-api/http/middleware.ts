// What runs before every route: a request id (echoed as x-openstack-request-id), the
// negotiated microversion (echoed in both headers), and the token check against keystone.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps.js';
import { faultBody } from '../faults.js';
import { MIN, negotiateVersion, versionHeaders, versionText } from '../microversion.js';
import type { RequestState } from './kit.js';
import { msg, raw, summaryOf } from '../../../contract/messages.js';

export function requestStart(deps: ApiDeps): RequestHandler {
  return (req, res, next) => {
    const requestId = `req-${randomUUID()}`;
    const host = req.get('host') ?? `${req.socket.localAddress}:${req.socket.localPort}`;
    res.locals.nova = { requestId, base: `${req.protocol}://${host}`, version: MIN } as Partial<RequestState>;
    res.set({ 'x-openstack-request-id': requestId, 'x-compute-request-id': requestId });
    const started = process.hrtime.bigint();
    // When the request arrived: the walkthrough's waterfall starts nova-api's bar here, not at the event.
    const startedAt = new Date().toISOString();
    res.on('finish', () => {
      const st = res.locals.nova as RequestState;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.publish({
        kind: 'http',
        ...summaryOf(msg('event.http', { method: req.method, path: raw(req.originalUrl), status: res.statusCode, ms: ms.toFixed(1) })),
        detail: {
          method: req.method,
          path: req.originalUrl,
          status: res.statusCode,
          ms,
          microversion: versionText(st.version),
          started_at: startedAt,
        },
        ctx: { request_id: requestId, ...(st.auth ? { user_id: st.auth.user_id, project_id: st.auth.project_id } : {}) },
      });
      // Nova's wsgi access line, so the service's log shows its requests as Nova's does.
      deps.log.info(
        `[${requestId}] ${req.socket.remoteAddress ?? '-'} "${req.method} ${req.originalUrl} HTTP/${req.httpVersion}" status: ${res.statusCode} len: ${res.get('content-length') ?? 0} microversion: ${versionText(st.version)} time: ${(ms / 1000).toFixed(6)}`,
      );
    });
    next();
  };
}

export const negotiate: RequestHandler = (req, res, next) => {
  const r = negotiateVersion(req.headers);
  if (!r.ok) {
    res.status(r.status).json(faultBody(r.status, r.message));
    return;
  }
  (res.locals.nova as RequestState).version = r.version;
  res.set(versionHeaders(r.version));
  next();
};

export function authenticate(deps: ApiDeps): RequestHandler {
  const unauthorized = (res: Parameters<RequestHandler>[1]) => {
    res
      .set('WWW-Authenticate', `Keystone uri="${deps.settings.identityUrl}"`)
      .status(401)
      .json(faultBody(401, 'The request you have made requires authentication.'));
  };
  return (req, res, next) => {
    const token = req.get('x-auth-token');
    if (!token) {
      unauthorized(res);
      return;
    }
    deps.validator.validate(token).then(
      (auth) => {
        if (!auth) {
          unauthorized(res);
          return;
        }
        Object.assign(res.locals.nova as RequestState, { auth, token });
        next();
      },
      (err: Error) => {
        deps.log.warn(`token validation failed: ${err.message}`);
        res.status(503).json(faultBody(503, `The identity service (${deps.settings.identityUrl}) did not answer: ${err.message}`));
      },
    );
  };
}
