import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward, matchRoute, type ProxyRoute } from './reverse-proxy.js';

// A service that refuses a body it never reads and closes its side, as a service does when a
// body is too large or aimed at no route; and one small answer to ask for afterwards.
let service: http.Server;
let proxy: http.Server;
let proxyPort: number;

const listen = (s: http.Server) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

before(async () => {
  service = http.createServer((req, res) => {
    if (req.method === 'POST') {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"error":"too large"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  const servicePort = await listen(service);
  const routes: ProxyRoute[] = [{ prefix: '/image', target: { host: '127.0.0.1', port: servicePort }, stripPrefix: true }];
  proxy = http.createServer((req, res) => {
    const m = matchRoute(routes, req.url ?? '/');
    if (!m) return void res.writeHead(404).end();
    forward(req, res, m.route, m.path);
  });
  proxyPort = await listen(proxy);
});

after(() => {
  proxy.closeAllConnections();
  service.closeAllConnections();
  proxy.close();
  service.close();
});

/** One request on the given agent; a request not answered in time fails instead of hanging. */
function ask(agent: http.Agent, method: string, path: string, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxyPort,
      method,
      path,
      agent,
      headers: body ? { 'content-length': body.length } : {},
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path} was not answered within 5 s`));
    }, 5_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

test('a body the service refused unread does not stall the next request on the same connection', async () => {
  // One socket: the browser's keep-alive connection to the GUI's origin.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const refused = await ask(agent, 'POST', '/image/v2/images', Buffer.alloc(2 * 1024 * 1024, 'x'));
    // The service's 413, or a 502 when its closing socket lost that answer on the way.
    assert.ok(refused.status === 413 || refused.status === 502, `refused: ${refused.status}`);
    const next = await ask(agent, 'GET', '/image/v2/images');
    assert.deepEqual(next, { status: 200, body: '{"ok":true}' });
  } finally {
    agent.destroy();
  }
});
