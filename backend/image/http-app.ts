// The glance-api HTTP application: request ids, unauthenticated version discovery, token
// checks on everything else, the v2 routes, and webob-style plain-text errors. Served at the
// root and under /image (DevStack's layout), so either catalog URL works.
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TokenValidator } from '../common/http/keystone-auth.js';
import type { Logger } from '../common/log.js';
import { GlanceError, plainErrorBody } from './errors.js';
import { hidePaths } from '../common/host-paths.js';
import type { ImageService } from './image-service.js';
import type { MemberService } from './member-service.js';
import { metadefRoutes } from './metadefs/routes.js';
import type { MetadefService } from './metadefs/service.js';
import { imageRoutes, JSON_LIMIT } from './routes.js';
import { versionsDocument } from './serialize.js';

export interface AppDeps {
  images: ImageService;
  members: MemberService;
  metadefs: MetadefService;
  tokens: TokenValidator;
  /** For the WWW-Authenticate header of 401s. */
  identityUrl: string;
  log: Logger;
}

function sendError(res: Response, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res
    .status(status)
    .type('text/plain; charset=UTF-8')
    .send(plainErrorBody(status, hidePaths(message)));
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const id = `req-${randomUUID()}`;
    const started = process.hrtime.bigint();
    res.set('x-openstack-request-id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.info(`${req.method} ${req.originalUrl.split('?')[0]} ${res.statusCode} ${ms.toFixed(1)}ms`, { request_id: id });
    });
    next();
  });

  const versions = (status: number) => (req: Request, res: Response) => {
    const prefix = req.originalUrl.startsWith('/image') ? '/image' : '';
    res.status(status).json(versionsDocument(`http://${req.headers.host ?? '127.0.0.1'}${prefix}`));
  };
  app.get(['/', '/image', '/image/'], versions(300));
  app.get(['/versions', '/image/versions'], versions(200));

  const auth = async (req: Request, res: Response, next: NextFunction) => {
    const token = req.headers['x-auth-token'];
    let ctx;
    try {
      ctx = typeof token === 'string' ? await deps.tokens.validate(token) : null;
    } catch (err) {
      deps.log.error(`token validation failed: ${(err as Error).message}`);
      throw new GlanceError(503, 'The identity service cannot be reached to validate the token; try again shortly.');
    }
    if (!ctx) {
      res
        .status(401)
        .set('WWW-Authenticate', `Keystone uri="${deps.identityUrl}"`)
        .json({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      return;
    }
    res.locals.caller = { project_id: ctx.project_id, is_admin: ctx.is_admin };
    next();
  };
  const api = express.Router();
  api.use(imageRoutes(deps.images, deps.members), metadefRoutes(deps.metadefs, JSON_LIMIT));
  app.use('/image', auth, api);
  app.use(auth, api);

  app.use((req: Request) => {
    throw new GlanceError(404, `The resource could not be found: ${req.method} ${req.path}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof GlanceError) {
      // qemu-img's and the file system's texts name host files: the log keeps them, the answer does not.
      if (hidePaths(err.message) !== err.message)
        deps.log.warn(`${req.method} ${req.originalUrl.split('?')[0]} → ${err.status}: ${err.message}`);
      return sendError(res, err.status, err.message);
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.too.large') return sendError(res, 413, 'The request body is larger than 64 KiB.');
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'Malformed JSON in request body.');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, e.message ?? 'Bad request');
    deps.log.error(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    sendError(res, 500, 'The server has either erred or is incapable of performing the requested operation.');
  });
  return app;
}
