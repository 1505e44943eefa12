// The list load counts what a user of the figure relies on: every request timed, each client on
// its own connection, refusals counted as errors, and a server that stops answering ends the
// load when the step's deadline fires instead of hanging the bench.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listLoad } from './list-load.js';

async function serve(handler: http.RequestListener): Promise<{ url: string; server: http.Server; sockets: Set<string> }> {
  const sockets = new Set<string>();
  const server = http.createServer(handler);
  server.on('connection', (s) => sockets.add(`${s.remotePort}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, sockets };
}

test('every request is timed, each client keeps one connection, and non-200 answers are errors', async () => {
  let n = 0;
  const { url, server, sockets } = await serve((req, res) => {
    n++;
    res.writeHead(n % 4 === 0 ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ seen: req.headers['x-auth-token'] }));
  });
  try {
    const r = await listLoad(url, { 'X-Auth-Token': 't' }, 5, 8, new AbortController().signal);
    assert.equal(r.latencies.length, 40);
    assert.ok(r.latencies.every((ms) => ms >= 0 && Number.isFinite(ms)));
    assert.equal(r.errors, 10, 'one in four answers was a 503');
    assert.equal(sockets.size, 5, 'one keep-alive connection per client');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a server that never answers ends the load when the signal fires', async () => {
  const { url, server } = await serve(() => {
    /* holds every request */
  });
  try {
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('deadline')), 200);
    await assert.rejects(listLoad(url, {}, 3, 2, stop.signal), /deadline/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
