// The console path end to end, with real processes: nova-consoleauth and nova-novncproxy as
// the launcher starts them, a bus broker in this process, and real QEMU VNC servers (BIOS
// only): one on a unix socket, one on TCP asking for a VNC password. A WebSocket client plays
// the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  startConsoleLab,
  startQemuVnc,
  qemuAvailable,
  type ConsoleLab,
  type QemuVnc,
} from '../../backend/console/testing/console-lab.js';
import {
  closeOf,
  connectSocket,
  openWebSocket,
  rfbHandshake,
  rfbOverSocket,
  rfbOverWebSocket,
  readServerMessage,
  requestUpdate,
  setEncodings,
  ENCODING,
} from '../../backend/console/testing/rfb-probe.js';

const INSTANCE = '6f1c2a44-0d7e-4c55-9a7b-3c1f0a9e2b11';
const skip = qemuAvailable() ? false : 'qemu-system-x86_64 is not installed';

let lab: ConsoleLab;
let qemu: QemuVnc;
/** On TCP with a VNC password, as the lab's guests are when they cannot have a unix socket. */
let locked: QemuVnc;
const PASSWORD = randomBytes(6).toString('base64url');
let dir: string;
const issued: string[] = [];

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-console-qemu-'));
  [qemu, locked, lab] = await Promise.all([
    startQemuVnc({ dir }),
    startQemuVnc({ tcpPort: await freePort(), password: PASSWORD }),
    startConsoleLab({ console_token_ttl: 600 }),
  ]);
});

after(async () => {
  await lab?.stop();
  await qemu?.stop();
  await locked?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function authorize(instance = INSTANCE, info = qemu.info): Promise<string> {
  const { token, expires_at } = await lab.consoleauth.authorize_console(instance, info);
  assert.ok(Date.parse(expires_at) > Date.now());
  issued.push(token);
  return token;
}

const wsUrl = (query = '') => `ws://127.0.0.1:${lab.proxyPort}/${query}`;

/** Opens a WebSocket that the proxy accepts, then expects it to be closed with `code`. */
async function expectClosed(query: string, code: number, reason: RegExp): Promise<void> {
  const ws = await openWebSocket(wsUrl(query), { origin: lab.proxyOrigin });
  const closed = await closeOf(ws);
  assert.equal(closed.code, code);
  assert.match(closed.reason, reason);
}

async function expectHttpRefusal(query: string, origin: string | undefined, status: number): Promise<void> {
  await assert.rejects(openWebSocket(wsUrl(query), { origin }), (err: Error & { status?: number }) => err.status === status);
}

function get(rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lab.proxyPort, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => {
        body += b.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test("a valid token and the proxy's own Origin reach the guest's RFB ServerInit", { skip }, async () => {
  const token = await authorize();
  const ws = await openWebSocket(wsUrl(`?token=${token}`), { origin: lab.proxyOrigin });
  assert.equal(ws.protocol, 'binary');
  const rfb = rfbOverWebSocket(ws);
  const init = await rfbHandshake(rfb);
  assert.equal(init.version, 'RFB 003.008');
  assert.ok(init.width >= 320 && init.height >= 200, `${init.width}x${init.height}`);
  assert.equal(init.name, 'QEMU');
  // Bytes keep flowing both ways: a full-screen update of the BIOS screen comes back.
  setEncodings(rfb, [ENCODING.raw]);
  requestUpdate(rfb, false, 0, 0, init.width, init.height);
  const update = await readServerMessage(rfb, init.bitsPerPixel);
  assert.equal(update.bytes, 4 + 12 + (init.width * init.height * init.bitsPerPixel) / 8);
  const closed = closeOf(ws);
  ws.close();
  assert.equal((await closed).code, 1005);
});

test("the token may also come inside Nova's ?path=%3Ftoken%3D… and without a subprotocol (noVNC 1.7)", { skip }, async () => {
  const token = await authorize();
  const ws = await openWebSocket(wsUrl(`?path=${encodeURIComponent(`?token=${token}`)}`), { origin: lab.proxyOrigin, protocols: [] });
  const init = await rfbHandshake(rfbOverWebSocket(ws));
  assert.equal(init.name, 'QEMU');
  ws.close();
});

test(
  'a password-protected guest VNC server, reached directly, offers only VNC authentication and refuses a wrong answer',
  { skip },
  async () => {
    assert.equal(locked.info.kind, 'tcp');
    const port = locked.info.kind === 'tcp' ? locked.info.port : 0;
    // What any local process (or a page reaching loopback) would try: the None type is not there.
    await assert.rejects(rfbHandshake(rfbOverSocket(await connectSocket({ host: '127.0.0.1', port }))), /None not offered \(offered 2\)/);
    const c = rfbOverSocket(await connectSocket({ host: '127.0.0.1', port }));
    await c.queue.read(12);
    c.write(Buffer.from('RFB 003.008\n', 'latin1'));
    const n = (await c.queue.read(1))[0]!;
    assert.deepEqual([...(await c.queue.read(n))], [2]);
    c.write(Buffer.from([2]));
    await c.queue.read(16);
    c.write(Buffer.alloc(16)); // an answer made without the password
    assert.equal((await c.queue.read(4)).readUInt32BE(0), 1, 'SecurityResult: failed');
    c.close();
  },
);

test(
  "through nova-novncproxy, the browser is offered None only and reaches the password-protected server's ServerInit",
  { skip },
  async () => {
    const token = await authorize(INSTANCE, locked.info);
    const ws = await openWebSocket(wsUrl(`?token=${token}`), { origin: lab.proxyOrigin });
    const rfb = rfbOverWebSocket(ws);
    const init = await rfbHandshake(rfb); // fails unless exactly None is offered and accepted
    assert.equal(init.name, 'QEMU');
    setEncodings(rfb, [ENCODING.raw]);
    requestUpdate(rfb, false, 0, 0, init.width, init.height);
    const update = await readServerMessage(rfb, init.bitsPerPixel);
    assert.equal(update.bytes, 4 + 12 + (init.width * init.height * init.bitsPerPixel) / 8);
    ws.close();
  },
);

test(
  'refused: a token whose connect_info has the wrong VNC password (the browser sees a failed SecurityResult, then 4005)',
  { skip },
  async () => {
    assert.equal(locked.info.kind, 'tcp');
    const token = await authorize(INSTANCE, { ...locked.info, password: `${PASSWORD}x`.slice(1) } as typeof locked.info);
    const ws = await openWebSocket(wsUrl(`?token=${token}`), { origin: lab.proxyOrigin });
    const closed = closeOf(ws);
    await assert.rejects(rfbHandshake(rfbOverWebSocket(ws)), /SecurityResult 1/);
    const { code } = await closed;
    assert.equal(code, 4005);
  },
);

test('refused: no token', { skip }, async () => {
  await expectClosed('', 1005, /^$/);
});

test('refused: a token nova-consoleauth never issued', { skip }, async () => {
  await expectClosed('?token=00000000-0000-0000-0000-000000000000', 1005, /^$/);
});

test('refused: an expired token (TTL shortened to 1 s in nova.conf)', { skip }, async () => {
  lab.setConf({ console_token_ttl: 1 });
  const token = await authorize();
  lab.setConf({ console_token_ttl: 600 });
  await sleep(1100);
  await expectClosed(`?token=${token}`, 1005, /^$/);
});

test('refused: a token of an instance that was deleted', { skip }, async () => {
  const other = '0d9a5c3e-1111-4b2b-8c8c-5e5e5e5e5e5e';
  const token = await authorize(other);
  assert.equal(await lab.consoleauth.delete_tokens_for_instance(other), 1);
  await expectClosed(`?token=${token}`, 1005, /^$/);
});

test('refused before any WebSocket: a page from another site (wrong Origin)', { skip }, async () => {
  const token = await authorize();
  await expectHttpRefusal(`?token=${token}`, 'http://evil.example', 403);
  await expectHttpRefusal(`?token=${token}`, `http://127.0.0.1:${lab.proxyPort + 1}`, 403);
});

test('no Origin header (not a browser: Tempest, websockify clients) reaches the guest, as in Nova', { skip }, async () => {
  const ws = await openWebSocket(wsUrl(`?token=${await authorize()}`), {});
  assert.equal((await rfbHandshake(rfbOverWebSocket(ws))).name, 'QEMU');
  ws.close();
  // Without a valid token it gets nothing, and a "null" Origin (a sandboxed page) is still refused.
  const bad = await openWebSocket(wsUrl('?token=00000000-0000-0000-0000-000000000000'), {});
  assert.equal((await closeOf(bad)).code, 1005);
  await expectHttpRefusal(`?token=${await authorize()}`, 'null', 403);
});

test('refused: a token naming an address that is neither loopback nor vncserver_proxyclient_address', { skip }, async () => {
  const token = await authorize(INSTANCE, { kind: 'tcp', host: '192.0.2.10', port: 5900 });
  await expectClosed(`?token=${token}`, 4002, /neither loopback/);
});

test('redirect-looking paths get 400/404 and never a redirect', { skip }, async () => {
  for (const p of [
    '//evil.example/',
    '/\\evil.example',
    '/%2F%2Fevil.example',
    '/%5C%5Cevil.example',
    '/?redirect=http://evil.example',
    '/redirect?url=//evil.example',
    '/core/../../package.json',
    '/core/%2e%2e/%2e%2e/package.json',
    '/vnc_auto.html/..%2f..%2f',
  ]) {
    const r = await get(p);
    assert.ok(r.status < 300 || r.status === 400 || r.status === 404, `${p}: ${r.status}`);
    assert.equal(r.headers.location, undefined, p);
    if (r.status < 300) assert.doesNotMatch(r.body, /evil/, p);
  }
  assert.equal((await get('//evil.example/')).status, 400);
  assert.equal((await get('/core/../../package.json')).status, 400);
});

test("the console pages, our app script and noVNC's core are served", { skip }, async () => {
  for (const page of ['/vnc_auto.html', '/vnc_lite.html', '/vnc.html']) {
    const r = await get(`${page}?path=%3Ftoken%3Dx`);
    assert.equal(r.status, 200, page);
    assert.match(r.headers['content-type']!, /text\/html/);
    assert.match(r.body, /app\/console\.js/);
    assert.match(String(r.headers['content-security-policy']), /connect-src 'self'/);
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
  }
  const app = await get('/app/console.js');
  assert.match(app.body, /from '\.\.\/core\/rfb\.js'/);
  const rfb = await get('/core/rfb.js');
  assert.equal(rfb.status, 200);
  assert.match(rfb.headers['content-type']!, /javascript/);
  assert.match(rfb.body, /export default class RFB/);
  assert.equal((await get('/vendor/pako/lib/zlib/inflate.js')).status, 200);
});

test('the console steps are published with the instance, and no token is in any event or log', { skip }, async () => {
  await sleep(200);
  const steps = lab.events.filter((e) => e.kind === 'step');
  const names = new Set(steps.map((e) => e.step));
  for (const s of ['consoleauth.authorize', 'proxy.connect', 'proxy.check_token', 'consoleauth.validated', 'proxy.relay'])
    assert.ok(names.has(s as never), s);
  const relay = steps.find((e) => e.step === 'proxy.relay')!;
  assert.equal(relay.ctx?.instance_uuid, INSTANCE);
  assert.equal(relay.source, 'nova-novncproxy');
  const sameSession = steps.filter((e) => e.ctx?.request_id === relay.ctx?.request_id).map((e) => e.step);
  assert.deepEqual(sameSession, ['proxy.connect', 'proxy.check_token', 'consoleauth.validated', 'proxy.relay']);
  const stepText = JSON.stringify(steps);
  const logs = lab.output();
  assert.match(logs, /relaying/);
  assert.ok(issued.length >= 7);
  for (const token of issued) {
    assert.ok(!stepText.includes(token), 'a token in a step event');
    assert.ok(!logs.includes(token), 'a token in a service log');
  }
  assert.ok(!logs.includes('00000000-0000-0000-0000-000000000000'), 'a refused token in the log');
  // The guest's VNC password is in no step event (connect_info shows vnc_auth instead) and no log.
  assert.ok(!stepText.includes(PASSWORD), 'a VNC password in a step event');
  assert.ok(!logs.includes(PASSWORD), 'a VNC password in a service log');
  assert.ok(steps.some((e) => JSON.stringify(e.detail ?? null).includes('"vnc_auth":"password"')));
});
