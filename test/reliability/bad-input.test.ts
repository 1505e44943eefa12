// The holes of issue 9 that bad input opened, tried again against one real lab (fake compute
// driver): one unauthenticated request stopped the whole lab (GET /% on the GUI port), a
// malformed WebSocket frame stopped nova-novncproxy, a request target stopped an EC2 worker;
// nova-api answered 500 or 503 where Nova answers 400; glance's errors showed the state
// directory. Each answer is checked for its status and its service's error format, and after
// each, that no process of the lab died or restarted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { labProcesses, launcherGone, processChanges, type ProcessView } from '../../harness/lab-services.js';
import { wsFrame } from './fuzz/cases.js';

let lab: LabHandle;
let token: string;
let start: Map<string, ProcessView>;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  token = await labToken(lab);
  start = await labProcesses(lab);
});

after(async () => {
  await lab?.stop();
  if (lab) fs.rmSync(lab.stateDir, { recursive: true, force: true });
});

/** Every process of the lab is the one that was there at the start. */
async function nothingStopped(): Promise<void> {
  await new Promise((r) => setTimeout(r, 500)); // a crash takes a moment to be noticed
  assert.equal(launcherGone(lab), null);
  assert.deepEqual(processChanges(start, await labProcesses(lab)), []);
}

/** Raw bytes to a port; the first status line that comes back (null: closed without one). */
function raw(port: number, text: string, then?: Buffer[]): Promise<{ status: number | null; text: string }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text, 'latin1'));
    let got = '';
    const done = () => {
      s.destroy();
      resolve({ status: Number(got.match(/^HTTP\/1\.1 (\d{3})/)?.[1]) || null, text: got });
    };
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (then && got.startsWith('HTTP/1.1 101')) {
        for (const f of then.splice(0)) s.write(f);
        setTimeout(done, 300);
      } else if (!then && got.includes('\r\n\r\n')) setTimeout(done, 50);
    });
    s.on('error', done);
    s.on('close', done);
    setTimeout(done, 5000);
  });
}

const upgrade = (port: number, path: string, origin = `http://127.0.0.1:${port}`) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`;

const nova = (path: string, init: RequestInit = {}) =>
  fetch(lab.url('osapi_compute', `/v2.1${path}`), {
    ...init,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

const deepJson = (depth: number) => '{"server":' + '['.repeat(depth) + ']'.repeat(depth) + '}';

test('GET /% (and other undecodable paths) on the GUI port is a 400, and the lab keeps running', async () => {
  for (const path of ['/%', '/assets/%E0%A4%A', '/a%00b']) {
    const res = await fetch(lab.url('gui', path));
    assert.equal(res.status, 400, path);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, 400);
  }
  assert.ok([200, 400].includes((await raw(lab.port('gui'), 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).status!));
  assert.equal((await fetch(lab.url('gui', '/'))).status, 200, 'the GUI still answers');
  await nothingStopped();
});

test('malformed WebSocket frames close one connection of the event stream or the console proxy, never the process', async () => {
  const unmasked = wsFrame({ opcode: 2, payload: Buffer.from([1, 2, 3]), mask: false });
  const oversized = wsFrame({ opcode: 1, payload: Buffer.alloc(70_000, 0x61) }); // the event stream takes 64 KiB
  for (const frame of [unmasked, oversized]) {
    assert.equal((await raw(lab.port('gui'), upgrade(lab.port('gui'), '/lab/api/events/stream'), [frame])).status, 101);
    assert.equal((await raw(lab.port('nova-novncproxy'), upgrade(lab.port('nova-novncproxy'), '/?token=x'), [frame])).status, 101);
  }
  await nothingStopped();
});

test('the EC2 port answers a request target it cannot parse with a 400, and its worker stays', async () => {
  const r = await raw(lab.port('ec2'), 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(r.status, 400);
  assert.match(r.text, /<Code>MissingAction<\/Code>/);
  const invalid = await fetch(lab.url('ec2', '/?Action=%25zz'));
  assert.equal(invalid.status, 400);
  assert.match(await invalid.text(), /<Code>InvalidAction<\/Code>/);
  await nothingStopped();
});

test('nova-api: a malformed escape and deep JSON are badRequest (400), not computeFault (500)', async () => {
  for (const path of ['/servers/%', '/flavors/%E0%A4%A', '/os-keypairs/%zz']) {
    const res = await nova(path);
    assert.equal(res.status, 400, path);
    assert.deepEqual(await res.json(), { badRequest: { code: 400, message: 'Malformed request URL: a percent-escape does not decode.' } });
  }
  for (const depth of [40, 100_000]) {
    const res = await nova('/servers', { method: 'POST', body: deepJson(depth) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { badRequest: { code: number } }).badRequest.code, 400);
  }
});

test("nova-api: glance refusing a query with 400 is the client's 400 with glance's reason, not a 503", async () => {
  const limit = await nova('/images?limit=abc');
  assert.equal(limit.status, 400);
  assert.deepEqual(await limit.json(), { badRequest: { code: 400, message: 'limit param must be an integer >= 0' } });
  const marker = await nova('/images/detail?marker=no-such-image');
  assert.equal(marker.status, 400);
  assert.match(((await marker.json()) as { badRequest: { message: string } }).badRequest.message, /marker/i);
});

test('keystone and glance answer the same mistakes in their own formats', async () => {
  const ks = await fetch(lab.url('keystone', '/v3/users/%'), { headers: { 'x-auth-token': token } });
  assert.equal(ks.status, 400);
  assert.deepEqual(await ks.json(), {
    error: { code: 400, title: 'Bad Request', message: 'Malformed request URL: a percent-escape does not decode.' },
  });
  const ksDeep = await fetch(lab.url('keystone', '/v3/auth/tokens'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: deepJson(1000),
  });
  assert.equal(ksDeep.status, 400);
  assert.equal(((await ksDeep.json()) as { error: { title: string } }).error.title, 'Bad Request');
  const gl = await fetch(lab.url('glance-api', '/v2/images/%'), { headers: { 'x-auth-token': token } });
  assert.equal(gl.status, 400);
  assert.match(await gl.text(), /^400 Bad Request\n\n/);
  const glDeep = await fetch(lab.url('glance-api', '/v2/images'), {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: deepJson(1000),
  });
  assert.equal(glDeep.status, 400);
  assert.match(await glDeep.text(), /^400 Bad Request\n\n.*nests more than/);
  await nothingStopped();
});

test('an image upload qemu-img refuses is a 400 that names no folder of the host', async () => {
  const created = await fetch(lab.url('glance-api', '/v2/images'), {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'not-a-vmdk', disk_format: 'vmdk', container_format: 'bare' }),
  });
  const { id } = (await created.json()) as { id: string };
  // A VMDK magic over garbage: qemu-img's refusal names the temporary file under the state directory.
  const bytes = Buffer.concat([Buffer.from('KDMV'), Buffer.alloc(2048, 0xa5)]);
  const res = await fetch(lab.url('glance-api', `/v2/images/${id}/file`), {
    method: 'PUT',
    headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  const text = await res.text();
  assert.equal(res.status, 400);
  assert.match(text, /^400 Bad Request\n\nImage is not a valid vmdk/);
  for (const root of [lab.stateDir, fs.realpathSync(lab.stateDir), '/tmp/', '.incoming/'])
    assert.ok(!text.includes(root), `${text} names ${root}`);
  // The detail is the lab's, in glance's log.
  const log = fs.readFileSync(`${lab.stateDir}/logs/glance-api.log`, 'utf8');
  assert.ok(log.includes(`${fs.realpathSync(lab.stateDir)}/images`) || log.includes(`${lab.stateDir}/images`), 'glance logs the full text');
});
