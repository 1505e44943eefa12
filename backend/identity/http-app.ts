// Identity's HTTP face: a request id on every response, a JSON body parser capped at 64 KiB,
// the routes by resource, a Keystone-shaped 404 for anything else, and one error handler.
// One log line per request: method, path, status, time — never headers or bodies.
import express, { type Express } from 'express';
import { randomUUID } from 'node:crypto';
import { errorMiddleware, sendError } from './errors.js';
import { verifyJsonDepth } from '../common/http/json-depth.js';
import type { IdentityDeps } from './policy.js';
import { discoveryRoutes } from './routes/discovery-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { domainRoutes } from './routes/domain-routes.js';
import { projectRoutes } from './routes/project-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { roleRoutes } from './routes/role-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';

export const BODY_LIMIT = '64kb';

export function identityApp(deps: IdentityDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const requestId = `req-${randomUUID()}`;
    const started = process.hrtime.bigint();
    res.setHeader('x-openstack-request-id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.info(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms ${requestId}`);
    });
    next();
  });
  // Every body is JSON here, whatever its Content-Type says: parse it or answer 400.
  app.use(express.json({ limit: BODY_LIMIT, type: () => true, verify: verifyJsonDepth() }));
  const resources = [discoveryRoutes, authRoutes, domainRoutes, projectRoutes, userRoutes, roleRoutes, catalogRoutes];
  for (const routes of resources) app.use(routes(deps));
  app.use((req, res) => sendError(res, 404, `The resource could not be found: ${req.method} ${req.path}.`));
  app.use(errorMiddleware(deps.log, deps.config.urls.identity));
  return app;
}
