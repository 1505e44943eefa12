import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceTokenSource } from './service-auth.js';

/** A stand-in identity service (outside the unit): counts logins, answers slowly, can refuse. */
async function fakeIdentity(opts: { refuseFirst?: boolean } = {}) {
  let logins = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        logins++;
        if (opts.refuseFirst && logins === 1) {
          res.writeHead(401).end('{}');
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': `tok-${logins}` });
        res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString() } }));
      }, 30),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logins: () => logins, close: () => server.close() };
}

const passwordFile = () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'svc-auth-')), 'service-password');
  fs.writeFileSync(f, 'secret\n');
  return f;
};

test('a burst of concurrent asks logs the service user in once and shares the token', async () => {
  const idp = await fakeIdentity();
  try {
    const source = serviceTokenSource(idp.url, passwordFile());
    const tokens = await Promise.all(Array.from({ length: 50 }, () => source.token()));
    assert.equal(idp.logins(), 1);
    assert.deepEqual(new Set(tokens), new Set(['tok-1']));
    assert.equal(await source.token(), 'tok-1', 'reused while valid');
    assert.equal(idp.logins(), 1);
  } finally {
    idp.close();
  }
});

test('a refused login fails every waiting ask, and the next ask tries again', async () => {
  const idp = await fakeIdentity({ refuseFirst: true });
  try {
    const source = serviceTokenSource(idp.url, passwordFile());
    const first = await Promise.allSettled([source.token(), source.token()]);
    assert.deepEqual(
      first.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.match(String((first[0] as PromiseRejectedResult).reason), /refused the nova service user \(401\)/);
    assert.equal(await source.token(), 'tok-2');
  } finally {
    idp.close();
  }
});
