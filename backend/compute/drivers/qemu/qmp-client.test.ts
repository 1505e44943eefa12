import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QmpClient, QmpError } from './qmp-client.js';

/** A tiny stand-in for QEMU's QMP server: greeting, capabilities, a few commands. */
function fakeQmpServer(sock: string, opts: { greetDelayMs?: number } = {}) {
  const received: string[] = [];
  const clients: net.Socket[] = [];
  const server = net.createServer((c) => {
    clients.push(c);
    const send = (o: unknown) => c.write(JSON.stringify(o) + '\r\n');
    setTimeout(
      () => send({ QMP: { version: { qemu: { micro: 22, minor: 2, major: 7 }, package: '' }, capabilities: ['oob'] } }),
      opts.greetDelayMs ?? 0,
    );
    let buf = '';
    let negotiated = false;
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as { execute: string; arguments?: Record<string, unknown> };
        buf = buf.slice(nl + 1);
        received.push(msg.execute);
        if (msg.execute === 'qmp_capabilities') {
          negotiated = true;
          send({ return: {} });
          continue;
        }
        if (!negotiated) {
          send({ error: { class: 'CommandNotFound', desc: 'Expecting capabilities negotiation' } });
          continue;
        }
        if (msg.execute === 'query-status') send({ return: { status: 'running', running: true } });
        else if (msg.execute === 'stop') {
          send({ timestamp: { seconds: 1, microseconds: 0 }, event: 'STOP' });
          send({ return: {} });
        } else if (msg.execute === 'echo') send({ return: msg.arguments });
        else if (msg.execute === 'quit') {
          send({ return: {} });
          send({ event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } });
          c.end();
        } else send({ error: { class: 'CommandNotFound', desc: `The command ${msg.execute} has not been found` } });
      }
    });
  });
  return { server, received, clients, listen: () => new Promise<void>((r) => server.listen(sock, r)) };
}

function tmpSock(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qmp-test-')), 'qmp.sock');
}

test('negotiates capabilities, then runs commands and returns their values', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock);
  await fake.listen();
  const qmp = await QmpClient.connect(sock);
  assert.deepEqual(qmp.version, { micro: 22, minor: 2, major: 7 });
  assert.equal(fake.received[0], 'qmp_capabilities');
  assert.deepEqual(await qmp.execute('query-status'), { status: 'running', running: true });
  assert.deepEqual(await qmp.execute('echo', { a: 1 }), { a: 1 });
  qmp.close();
  fake.server.close();
});

test('answers come back in order even when commands are sent together', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock);
  await fake.listen();
  const qmp = await QmpClient.connect(sock);
  const answers = await Promise.all([1, 2, 3].map((n) => qmp.execute('echo', { n })));
  assert.deepEqual(answers, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  qmp.close();
  fake.server.close();
});

test('an error reply rejects with a QmpError naming the class', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock);
  await fake.listen();
  const qmp = await QmpClient.connect(sock);
  await assert.rejects(qmp.execute('nope'), (e: unknown) => e instanceof QmpError && e.errorClass === 'CommandNotFound');
  qmp.close();
  fake.server.close();
});

test('events reach listeners and waitForEvent', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock);
  await fake.listen();
  const qmp = await QmpClient.connect(sock);
  const seen: string[] = [];
  qmp.on('event', (e) => seen.push(e.event));
  const stopped = qmp.waitForEvent('STOP', 1000);
  await qmp.execute('stop');
  assert.equal((await stopped).event, 'STOP');
  const shutdown = qmp.waitForEvent('SHUTDOWN', 1000, (e) => e.data?.reason === 'host-qmp-quit');
  await qmp.execute('quit');
  assert.equal((await shutdown).data?.guest, false);
  assert.deepEqual(seen, ['STOP', 'SHUTDOWN']);
  fake.server.close();
});

test('waits for a socket that appears late (QEMU still starting)', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock, { greetDelayMs: 50 });
  setTimeout(() => void fake.listen(), 150);
  const qmp = await QmpClient.connect(sock, { timeoutMs: 3000 });
  assert.deepEqual(await qmp.execute('query-status'), { status: 'running', running: true });
  qmp.close();
  fake.server.close();
});

test('gives up after the timeout when nothing listens', async () => {
  await assert.rejects(QmpClient.connect(tmpSock(), { timeoutMs: 200 }), /QMP socket/);
});

test('a closed connection rejects pending and later commands and emits close', async () => {
  const sock = tmpSock();
  const fake = fakeQmpServer(sock);
  await fake.listen();
  const qmp = await QmpClient.connect(sock);
  const closed = new Promise<void>((r) => qmp.once('close', () => r()));
  const waiting = qmp.waitForEvent('RESUME', 5000);
  for (const c of fake.clients) c.destroy();
  await closed;
  await assert.rejects(waiting, /closed/);
  await assert.rejects(qmp.execute('query-status'), /closed/);
  assert.equal(qmp.isClosed, true);
  fake.server.close();
});
