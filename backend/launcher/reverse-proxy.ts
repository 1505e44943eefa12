// The GUI's origin forwards /identity, /compute and /image to the services, so the browser
// speaks the public OpenStack APIs without cross-origin requests (DevStack's URL layout).
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface ProxyRoute {
  prefix: string;
  target: { host: string; port: number };
  stripPrefix: boolean;
}

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

/**
 * One request to a service and its answer back. Whatever fails — the service, the client going
 * away mid-body, a header Node will not send on — ends this exchange only (502 if nothing was
 * answered yet) and never throws into the lab server.
 */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, route: ProxyRoute, path: string): void {
  const headers = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  const badGateway = (why: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 502, title: 'Bad Gateway', message: `${route.prefix} is not answering: ${why}` } }));
  };
  let upstream: http.ClientRequest;
  try {
    upstream = http.request({ host: route.target.host, port: route.target.port, method: req.method, path, headers }, (up) => {
      const out = { ...up.headers };
      delete out.connection;
      res.writeHead(up.statusCode ?? 502, out);
      pipeline(up, res).catch(() => res.destroy());
    });
  } catch (err) {
    // http.request validates the method, path and headers it is given.
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { code: 400, title: 'Bad Request', message: `the request cannot be forwarded: ${(err as Error).message}` } }),
    );
    req.resume();
    return;
  }
  upstream.on('error', (err: NodeJS.ErrnoException) => badGateway(err.code ?? err.message));
  // The client went away: stop the service's side too, instead of leaving it waiting for a body.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  // Answered before the body was all sent (a service refusing it unread, or a 502): the rest is
  // discarded, as Node's server does for a body no handler reads. Left unread, it would hold up
  // every later request on this keep-alive connection.
  res.on('finish', () => {
    if (req.complete) return;
    req.unpipe(upstream);
    upstream.destroy();
    req.resume();
  });
  // pipe, not pipeline: a failing service must not destroy the client's socket before the 502.
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
}
