// The lab's own HTTP face on gui_port: the GUI (static files), the OpenStack APIs forwarded
// under one origin, the live event stream (WebSocket) and a few lab endpoints (services,
// step mode, nova.conf, restarts). Lab endpoints (the table in lab-routes.ts) need a keystone
// token — admin for anything that changes the lab — or the control secret that only
// `novalab status/down` can read; a member sees only its own project's events and holds.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { WebSocket } from 'ws';
import { lazyWebSocketServer } from '../common/http/lazy-websocket.js';
import type { LabEvent } from '../../contract/events.js';
import type { LabArchitecture, LabConfig, LabInfo, LabRestart, LabServices, StepModeNext, StepModeState } from '../../contract/lab-api.js';
import type { LabLogs } from '../../contract/service-health.js';
import type { TokenValidator, AuthContext } from '../common/http/keystone-auth.js';
import { eventFor, eventsFor } from './event-scope.js';
import { EVENT_STREAM_PATH, findLabRoute, LabFailure, labError, labRoutes, viewerOf, type LabReply } from './lab-routes.js';
import { forward, matchRoute, type ProxyRoute } from './reverse-proxy.js';
import type { EventLog } from './event-log.js';
import { staticTarget } from './static-path.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../common/http/json-depth.js';
import { hidePaths } from '../common/host-paths.js';

/** What each lab endpoint does, typed by the contract's answers (contract/lab-api.ts). */
export interface LabHandlers {
  services(): Promise<LabServices>;
  stepMode(): StepModeState;
  setStepMode(on: boolean): StepModeState;
  next(requestId?: string): StepModeNext;
  config(): LabConfig;
  /** Throws LabFailure (config_changes_expected, config_unknown_options, config_invalid). */
  updateConfig(body: unknown): Promise<LabConfig>;
  /** Throws LabFailure (no_such_service). */
  restart(binary: string, host?: string): Promise<LabRestart>;
  /** A service's log, tail-limited (after: a byte offset from a previous answer). Throws LabFailure (no_such_service). */
  logs(binary: string, host: string | undefined, after: number | null): Promise<LabLogs>;
  info(): LabInfo;
  architecture(): Promise<LabArchitecture>;
}

export interface LabServerOptions {
  rendererDir: string;
  routes: ProxyRoute[];
  validator: TokenValidator;
  controlSecret: string;
  events: EventLog;
  handlers: LabHandlers;
  subscribe(listener: (e: LabEvent) => void): () => void;
  /** Where failures of the lab server are written (default: stderr). */
  log?: (line: string) => void;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>novalab</title>
<h1>novalab is running</h1><p>The GUI has not been built yet (<code>npm run build</code>). The APIs answer under
<code>/identity</code>, <code>/compute</code> and <code>/image</code>; source <code>openrc</code> from the state directory to use the openstack CLI.</p>`;

/** Error parameters as a client may see them: no host paths. */
const hideParamPaths = (params: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? hidePaths(v) : v]));

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage, limit = 256 * 1024): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  try {
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > limit) throw new LabFailure('body_too_large', { limit });
      chunks.push(c as Buffer);
    }
  } catch (err) {
    if (err instanceof LabFailure) throw err;
    throw new LabFailure('body_unreadable');
  }
  const body = Buffer.concat(chunks);
  if (jsonTooDeep(body)) throw new LabFailure('body_too_deep', { depth: MAX_JSON_DEPTH });
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new LabFailure('malformed_json');
  }
}

export function createLabServer(opts: LabServerOptions): http.Server {
  const secret = Buffer.from(opts.controlSecret);
  const isControl = (req: http.IncomingMessage) => {
    const given = Buffer.from(String(req.headers['x-novalab-control'] ?? ''));
    return given.length === secret.length && timingSafeEqual(given, secret);
  };
  const authenticate = async (req: http.IncomingMessage): Promise<AuthContext | 'control' | null> => {
    if (isControl(req)) return 'control';
    const token = req.headers['x-auth-token'];
    return typeof token === 'string' ? opts.validator.validate(token) : null;
  };

  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Every request ends in an answer: a thrown error or a rejected promise is the client's 4xx
  // when it says so, otherwise a 500 whose detail goes to the launcher's output, not the client.
  const failed = (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => {
    if (!(err instanceof LabFailure))
      log(`novalab gui: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, err instanceof LabFailure ? labError(err.code, hideParamPaths(err.params), err.extra) : labError('internal'));
  };
  const server = http.createServer((req, res) => {
    const route = async () => {
      const url = req.url ?? '/';
      const proxied = matchRoute(opts.routes, url);
      if (proxied) return forward(req, res, proxied.route, proxied.path);
      if (!url.startsWith('/lab/api/')) return serveStatic(opts.rendererDir, req, res);
      await serveLabApi(req, res, url);
    };
    route().catch((err) => failed(req, res, err));
  });

  const send = (res: http.ServerResponse, r: LabReply) => json(res, r.status, r.body);

  async function serveLabApi(req: http.IncomingMessage, res: http.ServerResponse, url: string): Promise<void> {
    const { pathname, searchParams } = new URL(url, 'http://lab');
    const method = req.method ?? 'GET';
    const found = findLabRoute(routes, method, pathname);
    if (found && !found.methodNotAllowed && found.route.access === 'public')
      return send(
        res,
        await found.route.handle({
          params: found.params,
          query: searchParams,
          viewer: { admin: false, project_id: null },
          body: () => readJson(req),
        }),
      );
    // Everything else needs a token first: an unknown path tells nothing to an anonymous caller.
    const who = await authenticate(req);
    if (!who) return send(res, labError('auth_required'));
    if (!found) return send(res, labError('no_endpoint', { method, path: pathname }));
    if (found.methodNotAllowed) {
      res.setHeader('allow', found.methodNotAllowed.join(', '));
      return send(res, labError('method_not_allowed', { method, path: pathname }));
    }
    const viewer = viewerOf(who);
    if (found.route.access === 'admin' && !viewer.admin) return send(res, labError('admin_required'));
    send(res, await found.route.handle({ params: found.params, query: searchParams, viewer, body: () => readJson(req) }));
  }

  const routes = labRoutes(opts);

  /** How often an open event stream checks that its token is still valid. */
  const STREAM_RECHECK_MS = 10_000;

  // The event stream: the first message must carry a token; then the events that token's
  // project may see (all, for admin), the backlog first, then live.
  const wss = lazyWebSocketServer({ maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith(EVENT_STREAM_PATH)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => acceptStream(ws));
  });
  function acceptStream(ws: WebSocket): void {
    let unsubscribe: (() => void) | null = null;
    let recheck: NodeJS.Timeout | null = null;
    const timer = setTimeout(() => ws.close(4001, 'authenticate first'), 5000);
    ws.once('message', (raw) => {
      clearTimeout(timer);
      // keystone unreachable, say: this stream ends, the launcher stays.
      open(raw).catch((err: Error) => {
        log(`novalab gui: event stream refused: ${err.message}`);
        ws.close(1011, 'token check failed');
      });
    });
    async function open(raw: unknown): Promise<void> {
      let msg: unknown = null;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        /* refused below */
      }
      const { token, since } = (msg && typeof msg === 'object' ? msg : {}) as { token?: unknown; since?: unknown };
      const valid = async (t: unknown) => (typeof t === 'string' ? opts.validator.validate(t) : null);
      const who = await valid(token);
      if (!who) {
        ws.close(4001, 'invalid token');
        return;
      }
      if (ws.readyState !== ws.OPEN) return;
      const viewer = viewerOf(who);
      for (const e of eventsFor(viewer, opts.events.since(Number(since ?? 0)))) ws.send(JSON.stringify(e));
      unsubscribe = opts.subscribe((e) => {
        const seen = eventFor(viewer, e);
        if (seen && ws.readyState === ws.OPEN) ws.send(JSON.stringify(seen));
      });
      // A stream lives as long as its token: revoked or expired, it ends as a request would get 401.
      recheck = setInterval(() => {
        // keystone briefly unreachable is no verdict on the token: the next check decides.
        valid(token).then(
          (still) => {
            if (!still) ws.close(4001, 'token expired or revoked');
          },
          () => undefined,
        );
      }, STREAM_RECHECK_MS);
      recheck.unref();
    }
    // A malformed or oversized frame: ws has already closed the connection with 1002/1009;
    // without a listener the 'error' event would throw and stop the launcher.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(timer);
      if (recheck) clearInterval(recheck);
      unsubscribe?.();
    });
  }
  return server;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:* http://127.0.0.1:* http://localhost:*; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self' http://127.0.0.1:* http://localhost:*",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const isFile = (file: string) =>
  fs.promises.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

async function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const target = staticTarget(req.method, req.url ?? '/');
  if (!target.ok) {
    if (target.status === 405) res.setHeader('allow', 'GET, HEAD');
    return json(res, target.status, { error: { code: target.status, message: target.reason } });
  }
  const file = path.join(root, target.rel);
  const inside = file.startsWith(path.resolve(root) + path.sep);
  // Any path that is not a file of the build is the GUI's own route: its index answers.
  const chosen = inside && (await isFile(file)) ? file : path.join(root, 'index.html');
  if (!(await isFile(chosen))) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : PLACEHOLDER);
    return;
  }
  res.writeHead(200, { 'content-type': MIME[path.extname(chosen)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A file that vanishes or a client that goes away ends this response only.
  await pipeline(fs.createReadStream(chosen), res).catch(() => res.destroy());
}
