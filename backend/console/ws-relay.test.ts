import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { dialVnc, relay, type RelayResult } from './ws-relay.js';

/** A fake VNC server, a relay in front of it, and a WebSocket client: all in this process. */
async function rig(onVnc: (s: net.Socket) => void) {
  const vncServer = net.createServer(onVnc);
  await new Promise<void>((r) => vncServer.listen(0, '127.0.0.1', r));
  const vncPort = (vncServer.address() as net.AddressInfo).port;
  const wss = new WebSocketServer({ noServer: true });
  const results: Promise<RelayResult>[] = [];
  const web = http.createServer();
  web.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, async (ws) => {
      const link = await dialVnc({ host: '127.0.0.1', port: vncPort }, 2000);
      results.push(relay(ws, socket as net.Socket, link));
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const ws = new WebSocket(`ws://127.0.0.1:${(web.address() as net.AddressInfo).port}/`);
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  const close = () => {
    ws.terminate();
    web.close();
    vncServer.close();
    wss.close();
  };
  const result = async () => {
    while (!results.length) await sleep(5);
    return results[0]!;
  };
  return { ws, closed, close, result };
}

test('bytes cross both ways intact and in order, and the VNC side closing closes the WebSocket', async () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  let fromClient = Buffer.alloc(0);
  const { ws, closed, close, result } = await rig((s) => {
    s.on('data', (b: Buffer) => {
      fromClient = Buffer.concat([fromClient, b]);
      if (fromClient.length === 6) s.end(big);
    });
  });
  const got: Buffer[] = [];
  ws.on('message', (d: Buffer) => got.push(d));
  ws.send(Buffer.from('abc'));
  ws.send(Buffer.from('def'));
  const c = await closed;
  assert.equal(fromClient.toString(), 'abcdef');
  assert.ok(Buffer.concat(got).equals(big), 'every byte, in order');
  assert.equal(c.code, 1000);
  const r = await await result();
  assert.equal(r.toClient, big.length);
  assert.equal(r.toServer, 6);
  close();
});

test('the browser closing the WebSocket closes the VNC connection', async () => {
  let vncClosed!: () => void;
  const gone = new Promise<void>((r) => {
    vncClosed = r;
  });
  const { ws, close } = await rig((s) => {
    s.write('RFB 003.008\n');
    s.on('close', () => vncClosed());
    s.on('error', () => undefined);
  });
  await new Promise((r) => ws.once('message', r));
  ws.close();
  await gone;
  close();
});

test('a text frame ends the session with 1003', async () => {
  const { ws, closed, close } = await rig((s) => s.on('error', () => undefined));
  ws.send('hello');
  assert.equal((await closed).code, 1003);
  close();
});

test('a browser that reads nothing holds the VNC server back (no unbounded buffering)', async () => {
  const total = 128 * 1024 * 1024;
  let accepted = 0;
  const chunk = Buffer.alloc(256 * 1024);
  const { ws, close } = await rig((s) => {
    s.on('error', () => undefined);
    const pump = () => {
      while (accepted < total) {
        accepted += chunk.length;
        if (!s.write(chunk)) {
          s.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  ws.pause();
  await sleep(1000);
  const stalled = accepted;
  assert.ok(stalled < 64 * 1024 * 1024, `the relay kept reading: ${stalled} bytes accepted`);
  let received = 0;
  ws.on('message', (d: Buffer) => {
    received += d.length;
  });
  ws.resume();
  const deadline = Date.now() + 10_000;
  while (accepted <= stalled && Date.now() < deadline) await sleep(20);
  assert.ok(accepted > stalled, 'reading resumes once the browser reads again');
  assert.ok(received > 0);
  close();
});
