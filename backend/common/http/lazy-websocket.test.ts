import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { lazyWebSocketServer } from './lazy-websocket.js';

async function serverWith(lazy: ReturnType<typeof lazyWebSocketServer>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket, head) =>
    lazy.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => ws.send(`echo ${String(data)}`));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('the first upgrade loads ws and the WebSocket works, a message sent at once included', async () => {
  const lazy = lazyWebSocketServer({ maxPayload: 1024 });
  const s = await serverWith(lazy);
  try {
    for (const n of [1, 2]) {
      const ws = new WebSocket(s.url);
      const reply = new Promise<string>((resolve, reject) => {
        ws.once('message', (d) => resolve(String(d)));
        ws.once('error', reject);
      });
      ws.once('open', () => ws.send(`hello ${n}`));
      assert.equal(await reply, `echo hello ${n}`);
      ws.close();
    }
  } finally {
    lazy.close();
    await s.close();
  }
});

test('after close, an upgrade gets no WebSocket', async () => {
  const lazy = lazyWebSocketServer({});
  const s = await serverWith(lazy);
  try {
    lazy.close();
    const ws = new WebSocket(s.url);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    ws.terminate();
    assert.equal(outcome, 'refused');
  } finally {
    await s.close();
  }
});
