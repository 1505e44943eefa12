// The proxy's side of the RFB security handshake against scripted peers: a VNC server that
// checks the challenge response the way a server does, and a browser that speaks RFB 3.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ByteQueue } from './byte-queue.js';
import { proxyVncAuth, RfbHandshakeError, type HandshakeSide } from './rfb-security-proxy.js';
import { vncAuthResponse } from './vnc-auth.js';

const V38 = Buffer.from('RFB 003.008\n', 'latin1');

/** One end handed to the proxy, the other driven by the test. */
function pipe(): { side: HandshakeSide; send(b: Buffer | number[]): void; recv(n: number): Promise<Buffer>; close(): void } {
  const toProxy = new ByteQueue();
  const fromProxy = new ByteQueue();
  return {
    side: { queue: toProxy, write: (b) => fromProxy.push(b) },
    send: (b) => toProxy.push(Buffer.from(b)),
    recv: (n) => fromProxy.read(n),
    close: () => {
      fromProxy.fail(new Error('closed'));
      toProxy.fail(new Error('closed'));
    },
  };
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const reason = (text: string) => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);

/** A VNC server that requires `password` (types offered: `types`). Resolves with what it saw. */
async function vncServer(p: ReturnType<typeof pipe>, password: string, types = [2]): Promise<{ chosen: number; authenticated: boolean }> {
  p.send(V38);
  assert.equal((await p.recv(12)).toString('latin1'), V38.toString('latin1'));
  p.send([types.length, ...types]);
  const chosen = (await p.recv(1))[0]!;
  if (chosen !== 2) return { chosen, authenticated: false };
  const challenge = randomBytes(16);
  p.send(challenge);
  const ok = (await p.recv(16)).equals(vncAuthResponse(password, challenge));
  p.send(ok ? u32(0) : Buffer.concat([u32(1), reason('Authentication failed')]));
  return { chosen, authenticated: ok };
}

/** A browser up to SecurityResult; returns the types it was offered and the result. */
async function browser(p: ReturnType<typeof pipe>, choose = 1): Promise<{ offered: number[]; result: number; why?: string }> {
  assert.equal((await p.recv(12)).toString('latin1'), V38.toString('latin1'));
  p.send(V38);
  const n = (await p.recv(1))[0]!;
  if (n === 0) return { offered: [], result: -1, why: (await p.recv((await p.recv(4)).readUInt32BE(0))).toString() };
  const offered = [...(await p.recv(n))];
  p.send([choose]);
  const result = (await p.recv(4)).readUInt32BE(0);
  const why = result === 0 ? undefined : (await p.recv((await p.recv(4)).readUInt32BE(0))).toString();
  return { offered, result, why };
}

test("the proxy answers the guest's VNC password challenge and offers the browser only None", async () => {
  const c = pipe();
  const s = pipe();
  const [, server, client] = await Promise.all([proxyVncAuth(c.side, s.side, 'k3y-pAss'), vncServer(s, 'k3y-pAss'), browser(c)]);
  assert.deepEqual(server, { chosen: 2, authenticated: true });
  assert.deepEqual(client, { offered: [1], result: 0, why: undefined });
  // Both stand before ClientInit: nothing else was sent either way.
  c.send([1]);
  assert.deepEqual([...(await c.side.queue.read(1))], [1]);
});

test('a wrong password: the guest refuses, the browser gets a failed SecurityResult, nothing is relayed', async () => {
  const c = pipe();
  const s = pipe();
  const [proxied, server, client] = await Promise.all([
    proxyVncAuth(c.side, s.side, 'wrong').then(
      () => null,
      (e: Error) => e,
    ),
    vncServer(s, 'right-pw'),
    browser(c),
  ]);
  assert.ok(proxied instanceof RfbHandshakeError);
  assert.match(proxied.message, /refused the password: Authentication failed/);
  assert.equal(server.authenticated, false);
  assert.equal(client.result, 1);
  assert.match(client.why!, /could not authenticate/);
});

test('a server that does not ask for the password is not relayed to (it is not the guest the token names)', async () => {
  const c = pipe();
  const s = pipe();
  const server = vncServer(s, 'pw', [1]).catch(() => null);
  const [proxied, client] = await Promise.all([
    proxyVncAuth(c.side, s.side, 'pw').then(
      () => null,
      (e: Error) => e,
    ),
    browser(c),
  ]);
  s.close();
  assert.equal(await server, null, 'the server never got a security type');
  assert.ok(proxied instanceof RfbHandshakeError);
  assert.deepEqual(client.offered, []);
  assert.match(client.why!, /does not offer VNC authentication/);
});

test('a browser that picks anything but None is refused', async () => {
  const c = pipe();
  const s = pipe();
  const server = vncServer(s, 'pw').catch(() => null);
  const [proxied, client] = await Promise.all([
    proxyVncAuth(c.side, s.side, 'pw').then(
      () => null,
      (e: Error) => e,
    ),
    browser(c, 2),
  ]);
  s.close();
  assert.equal(await server, null, 'the server never got a security type');
  assert.ok(proxied instanceof RfbHandshakeError);
  assert.equal(client.result, 1);
});

test('a server or browser that does not speak RFB 3.8 ends the handshake', async () => {
  const c = pipe();
  const s = pipe();
  s.send(Buffer.from('RFB 003.003\n', 'latin1'));
  await assert.rejects(proxyVncAuth(c.side, s.side, 'pw'), /not RFB 3\.8/);
  const c2 = pipe();
  const s2 = pipe();
  s2.send(V38);
  c2.send(Buffer.from('RFB 003.007\n', 'latin1'));
  await assert.rejects(proxyVncAuth(c2.side, s2.side, 'pw'), /browser speaks "RFB 003.007"/);
});
