// Every route an express app serves, read from its own router stacks (mounted routers
// included), so a test can walk all of them and a route added tomorrow is walked too.
import type { Express } from 'express';

export interface AppRoute {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[] | RegExp;
}

function walk(stack: Layer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => m.toUpperCase());
      for (const p of paths) for (const m of methods) out.push({ method: m, path: `${prefix}${p === '/' && prefix ? '' : p}` });
    } else if (layer.handle?.stack) {
      // A mounted router (app.use('/v2.1', router)): its routes under the mount path.
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, prefix + mount, out);
    }
  }
}

export function expressRoutes(app: Express): AppRoute[] {
  const router = app as unknown as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
  const stack = (router.router ?? router._router)?.stack;
  if (!stack) throw new Error('this express app exposes no router stack: has express changed?');
  const out: AppRoute[] = [];
  walk(stack, '', out);
  // The same route registered twice (the image API at / and under /image) is one entry per path.
  return out.filter((r, i) => out.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}
