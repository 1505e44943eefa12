// The forwarder as QEMU runs it: a child process with the guest connection on stdin/stdout,
// in front of a tiny metadata API on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRequestHead } from './metadata-forwarder.js';

const UUID = '6f1c3a52-0d4e-4b8e-9a43-2f7c1e0b9d11';
const SECRET = 'lab-shared-secret';
// Beside this test: .js when compiled, .ts under tsx (then its loader flags are passed on).
const FORWARDER = fileURLToPath(import.meta.url).replace(/\.test\.(ts|js)$/, '.$1');
const LOADER_FLAGS = process.execArgv.filter(
  (arg, i, all) => ['--require', '--import'].includes(arg) || ['--require', '--import'].includes(all[i - 1] ?? ''),
);

interface Seen {
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
}

async function withMetadataApi<T>(body: (address: string, seen: Seen) => Promise<T>): Promise<T> {
  const seen: Seen = {};
  const server = createServer((req, res) => {
    Object.assign(seen, { method: req.method, url: req.url, headers: req.headers });
    if (req.url === '/missing') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such thing');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ uuid: UUID, hostname: 'web-1' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await body(`127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    server.close();
  }
}

/** Runs the forwarder with `request` as the guest's bytes; resolves with what it wrote back. */
function runForwarder(address: string, request: string | Buffer, secretFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LOADER_FLAGS, FORWARDER, address, UUID, secretFile]);
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => out.push(chunk)); // the guest would see it too
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(out).toString('latin1')));
    child.stdin.end(request);
  });
}

function withSecretFile<T>(body: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'forwarder-'));
  const file = join(dir, 'secret');
  writeFileSync(file, `${SECRET}\n`);
  return body(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('relays a GET with the instance id and its HMAC signature, and the body back', async () => {
  await withSecretFile((secret) =>
    withMetadataApi(async (address, seen) => {
      const guestRequest = 'GET /openstack/latest/meta_data.json HTTP/1.0\r\nHost: 169.254.169.254\r\n\r\n';
      const response = await runForwarder(address, guestRequest, secret);
      assert.match(response, /^HTTP\/1\.0 200 OK\r\n/);
      assert.match(response, /\r\nContent-Type: application\/json\r\n/);
      assert.equal(response.split('\r\n\r\n')[1], JSON.stringify({ uuid: UUID, hostname: 'web-1' }));
      assert.equal(seen.method, 'GET');
      assert.equal(seen.url, '/openstack/latest/meta_data.json');
      assert.equal(seen.headers?.['x-instance-id'], UUID);
      const expected = createHmac('sha256', SECRET).update(UUID).digest('hex');
      assert.equal(seen.headers?.['x-instance-id-signature'], expected);
    }),
  );
});

test('passes the metadata API status through', async () => {
  await withSecretFile((secret) =>
    withMetadataApi(async (address) => {
      const response = await runForwarder(address, 'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n', secret);
      assert.match(response, /^HTTP\/1\.0 404 Not Found\r\n/);
      assert.match(response, /\r\n\r\nno such thing$/);
    }),
  );
});

test('does not let the guest pick its identity', async () => {
  await withSecretFile((secret) =>
    withMetadataApi(async (address, seen) => {
      const forged = 'GET / HTTP/1.1\r\nX-Instance-ID: someone-else\r\nX-Instance-ID-Signature: 00\r\n\r\n';
      await runForwarder(address, forged, secret);
      assert.equal(seen.headers?.['x-instance-id'], UUID);
      assert.notEqual(seen.headers?.['x-instance-id-signature'], '00');
    }),
  );
});

test('refuses other methods, oversized heads and garbage without asking the API', async () => {
  await withSecretFile((secret) =>
    withMetadataApi(async (address, seen) => {
      assert.match(await runForwarder(address, 'POST / HTTP/1.1\r\n\r\n', secret), /^HTTP\/1\.0 405 /);
      const huge = `GET / HTTP/1.1\r\nX-Pad: ${'a'.repeat(9000)}\r\n\r\n`;
      assert.match(await runForwarder(address, huge, secret), /^HTTP\/1\.0 431 /);
      assert.match(await runForwarder(address, 'hello\r\n\r\n', secret), /^HTTP\/1\.0 400 /);
      assert.match(await runForwarder(address, 'GET / HTTP/1.1\r\n', secret), /^HTTP\/1\.0 400 /);
      assert.equal(seen.url, undefined);
    }),
  );
});

test('answers 502 when the metadata API is down', async () => {
  await withSecretFile(async (secret) => {
    const response = await runForwarder('127.0.0.1:1', 'GET / HTTP/1.0\r\n\r\n', secret);
    assert.match(response, /^HTTP\/1\.0 502 Bad Gateway\r\n/);
  });
});

test('parses request heads', () => {
  const head = (s: string) => parseRequestHead(Buffer.from(s, 'latin1'));
  assert.deepEqual(head('GET /latest/meta-data/ HTTP/1.0\r\n\r\n'), { kind: 'get', path: '/latest/meta-data/' });
  assert.deepEqual(head('GET / HTTP/1.1\n\n'), { kind: 'get', path: '/' });
  assert.deepEqual(head('GET / HTTP/1.1\r\nHost: a'), { kind: 'incomplete' });
  assert.equal(head('GET http://evil/ HTTP/1.1\r\n\r\n').kind, 'reject');
  assert.equal(head('GET / HTTP/2.0\r\n\r\n').kind, 'reject');
  assert.equal(head('GET /a b HTTP/1.1\r\n\r\n').kind, 'reject');
});
