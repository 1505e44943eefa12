// The GUI's origin forwards /identity, /compute and /image to the services, so the browser
// speaks the public OpenStack APIs without cross-origin requests (DevStack's URL layout).
import http from 'node:http';

export interface ProxyRoute { prefix: string; target: { host: string; port: number }; stripPrefix: boolean }

export function matchRoute(routes: ProxyRoute[], url: string): { route: ProxyRoute; path: string } | null {
  for (const route of routes) {
    if (url === route.prefix || url.startsWith(route.prefix + '/') || url.startsWith(route.prefix + '?')) {
      const rest = url.slice(route.prefix.length) || '/';
      return { route, path: route.stripPrefix ? (rest.startsWith('/') ? rest : '/' + rest) : url };
    }
  }
  return null;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host'];

export function forward(req: http.IncomingMessage, res: http.ServerResponse, route: ProxyRoute, path: string): void {
  const headers = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  const upstream = http.request({ host: route.target.host, port: route.target.port, method: req.method, path, headers }, (up) => {
    const out = { ...up.headers };
    delete out.connection;
    res.writeHead(up.statusCode ?? 502, out);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 502, title: 'Bad Gateway', message: `${route.prefix} is not answering: ${err.message}` } }));
  });
  req.pipe(upstream);
}
