// nova-novncproxy's plain HTTP side: the console pages, our small app/ files and the noVNC
// package's core/ and vendor/ trees, read-only. Routing decisions are in request-route.ts;
// this file only turns a route into bytes. Request URLs are never logged (they carry tokens).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../common/log.js';
import { routeRequest, type AppFile } from './request-route.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS, INDEX_HTML } from './pages/console-page.js';

/** The installed @novnc/novnc package's folder (its package.json is not exported, so walk up from its main). */
export function novncPackageDir(): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('@novnc/novnc'));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === '@novnc/novnc') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the @novnc/novnc package: reinstall novalab');
    dir = up;
  }
}

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const APP: Record<AppFile, { type: string; body: string }> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: CONSOLE_JS },
  'console.css': { type: 'text/css; charset=utf-8', body: CONSOLE_CSS },
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  const buf = Buffer.from(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, ...extra });
  res.end(req.method === 'HEAD' ? undefined : buf);
}

export function staticHandler(opts: { packageDir: string; log: Logger }) {
  const realRoots = new Map<string, string>();
  const rootOf = (tree: string) => {
    let r = realRoots.get(tree);
    if (!r) {
      r = fs.realpathSync(path.join(opts.packageDir, tree));
      realRoots.set(tree, r);
    }
    return r;
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const route = routeRequest(req.method, req.url);
    switch (route.kind) {
      case 'reject':
        if (route.status === 405) res.setHeader('Allow', 'GET, HEAD');
        return send(req, res, route.status, 'text/plain; charset=utf-8', `${route.reason}\n`);
      case 'index':
        return send(req, res, 200, 'text/html; charset=utf-8', INDEX_HTML, { 'Content-Security-Policy': PAGE_CSP });
      case 'page':
        return send(req, res, 200, 'text/html; charset=utf-8', CONSOLE_HTML, {
          'Content-Security-Policy': PAGE_CSP,
          'Cache-Control': 'no-store',
        });
      case 'app':
        return send(req, res, 200, APP[route.name].type, APP[route.name].body, { 'Cache-Control': 'no-cache' });
      case 'package': {
        const root = rootOf(route.tree);
        let file: string;
        try {
          file = fs.realpathSync(path.join(root, ...route.segments));
        } catch {
          return send(req, res, 404, 'text/plain; charset=utf-8', 'no such file\n');
        }
        if (!file.startsWith(root + path.sep) || !fs.statSync(file).isFile())
          return send(req, res, 404, 'text/plain; charset=utf-8', 'no such file\n');
        const size = fs.statSync(file).size;
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': size, 'Cache-Control': 'no-cache' });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        fs.createReadStream(file)
          .on('error', (err) => {
            opts.log.warn(`reading ${route.tree}/${route.segments.join('/')}: ${err.message}`);
            res.destroy();
          })
          .pipe(res);
        return;
      }
    }
  };
}
