// The compute API v2.1 as one express app: version documents (no token), then under /v2.1
// microversion negotiation, the token check, the JSON body (1 MiB), the routes, and Nova's
// fault bodies for everything that goes wrong.
import express, { Router, type Express, type Request, type Response } from 'express';
import type { ApiDeps } from './deps.js';
import { verifyJsonDepth } from '../common/http/json-depth.js';
import { errorHandler, resourceNotFound } from './http/errors.js';
import { authenticate, negotiate, requestStart } from './http/middleware.js';
import type { RequestState } from './http/kit.js';
import { MAX_VERSION, MIN_VERSION } from './microversion.js';
import { flavorRoutes } from './routes/flavors.js';
import { hostRoutes } from './routes/hosts.js';
import { osHostRoutes } from './routes/os-hosts.js';
import { serverDiagnosticsRoutes } from './routes/server-diagnostics.js';
import { imageRoutes } from './routes/images.js';
import { keypairRoutes } from './routes/keypairs.js';
import { serverGroupRoutes } from './routes/server-groups.js';
import { quotaRoutes } from './routes/quotas.js';
import { serverActionRoutes } from './routes/server-actions.js';
import { serverRoutes } from './routes/servers.js';
import { serverTagRoutes } from './routes/server-tags.js';
import { extensionRoutes } from './routes/extensions.js';
import { usageRoutes } from './routes/usage.js';
import { migrationRoutes } from './routes/migrations.js';

export const BODY_LIMIT = '1mb';

const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }];

export function versionV21(base: string): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${base}/v2.1/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': MEDIA_TYPES,
  };
}

/** The legacy v2.0 endpoint's document (GET /v2/), as Nova still serves it. */
export function versionV20(base: string): Record<string, unknown> {
  return {
    id: 'v2.0',
    status: 'SUPPORTED',
    version: '',
    min_version: '',
    updated: '2011-01-21T11:33:21Z',
    links: [
      { rel: 'self', href: `${base}/v2/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' }],
  };
}

function versionsRoot(base: string): Record<string, unknown> {
  return {
    versions: [
      {
        id: 'v2.0',
        status: 'SUPPORTED',
        version: '',
        min_version: '',
        updated: '2011-01-21T11:33:21Z',
        links: [{ rel: 'self', href: `${base}/v2/` }],
      },
      {
        id: 'v2.1',
        status: 'CURRENT',
        version: MAX_VERSION,
        min_version: MIN_VERSION,
        updated: '2013-07-23T11:33:21Z',
        links: [{ rel: 'self', href: `${base}/v2.1/` }],
      },
    ],
  };
}

const baseOf = (res: Response) => (res.locals.nova as RequestState).base;

export function computeApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestStart(deps));
  app.get('/', (_req: Request, res: Response) => {
    res.json(versionsRoot(baseOf(res)));
  });
  app.get('/v2.1', (_req: Request, res: Response) => {
    res.json({ version: versionV21(baseOf(res)) });
  });
  app.get('/v2', (_req: Request, res: Response) => {
    res.json({ version: versionV20(baseOf(res)) });
  });
  const v21 = Router();
  v21.use(negotiate, authenticate(deps), express.json({ limit: BODY_LIMIT, type: () => true, verify: verifyJsonDepth() }));
  for (const routes of [
    serverRoutes,
    serverActionRoutes,
    serverTagRoutes,
    flavorRoutes,
    keypairRoutes,
    serverGroupRoutes,
    quotaRoutes,
    hostRoutes,
    osHostRoutes,
    serverDiagnosticsRoutes,
    imageRoutes,
    extensionRoutes,
    usageRoutes,
    migrationRoutes,
  ]) {
    v21.use(routes(deps));
  }
  v21.use(resourceNotFound);
  app.use('/v2.1', v21);
  app.use(resourceNotFound);
  app.use(errorHandler(deps.log));
  return app;
}
