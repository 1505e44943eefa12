import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOrigin, type OriginPolicy } from './origin-check.js';

const policy: OriginPolicy = {
  listenHost: '127.0.0.1',
  listenPort: 6080,
  baseUrl: 'http://127.0.0.1:6080/vnc_auto.html',
  allowedOrigins: [],
};
const ok = (origin: string | undefined, host: string | undefined, p: OriginPolicy = policy) => checkOrigin(origin, host, p).ok;

test("the proxy's own origin is allowed, as listened on or as named by the Host header", () => {
  assert.ok(ok('http://127.0.0.1:6080', '127.0.0.1:6080'));
  assert.ok(ok('http://localhost:6080', 'localhost:6080'));
  assert.ok(ok('http://[::1]:6080', '[::1]:6080'));
  assert.ok(ok('HTTP://127.0.0.1:6080', undefined), 'listen address, case-insensitive scheme');
});

test('the origin of novncproxy_base_url is allowed (e.g. behind a reverse proxy)', () => {
  const p = { ...policy, baseUrl: 'https://console.lab.example/vnc_auto.html' };
  assert.ok(ok('https://console.lab.example', '127.0.0.1:6080', p));
  assert.ok(ok('https://console.lab.example:443', '127.0.0.1:6080', p));
  assert.ok(!ok('http://console.lab.example', '127.0.0.1:6080', p), 'http is port 80, not 443');
});

test('another site is refused (CVE-2015-0259), whatever port or path it uses', () => {
  for (const o of [
    'http://evil.example',
    'http://evil.example:6080',
    'http://127.0.0.1:8080',
    'https://127.0.0.1:6080',
    'http://127.0.0.1.evil.example:6080',
    'http://127.0.0.1:6080@evil.example',
  ]) {
    assert.ok(!ok(o, '127.0.0.1:6080'), o);
  }
});

test('an empty Origin, "null", file: and ws: origins are refused', () => {
  for (const o of ['', '  ', 'null', 'file://', 'ws://127.0.0.1:6080', 'not a url']) {
    const v = checkOrigin(o, '127.0.0.1:6080', policy);
    assert.equal(v.ok, false, String(o));
  }
  assert.deepEqual(checkOrigin('', '127.0.0.1:6080', policy), { ok: false, reason: 'an empty Origin header' });
});

test('no Origin header (a client that is not a browser, e.g. Tempest) passes, as in Nova', () => {
  assert.deepEqual(checkOrigin(undefined, '127.0.0.1:6080', policy), { ok: true });
  assert.deepEqual(checkOrigin(undefined, 'evil.example:6080', policy), { ok: true });
});

test('a DNS name in the Host header does not make a rebound page "the proxy itself"', () => {
  const p = { ...policy, listenHost: '0.0.0.0' };
  assert.ok(!ok('http://evil.example:6080', 'evil.example:6080', p));
  assert.ok(ok('http://10.0.0.5:6080', '10.0.0.5:6080', p), 'an IP address is fine');
  assert.ok(!ok('http://10.0.0.5:7000', '10.0.0.5:7000', p), 'but only on the port the proxy listens on');
});

test('console_allowed_origins takes hostnames, host:port or full origins', () => {
  const p = { ...policy, allowedOrigins: ['gui.example', 'tools.example:8443', 'https://secure.example'] };
  assert.ok(ok('http://gui.example:1234', '127.0.0.1:6080', p));
  assert.ok(ok('https://gui.example', '127.0.0.1:6080', p));
  assert.ok(ok('http://tools.example:8443', '127.0.0.1:6080', p));
  assert.ok(!ok('http://tools.example:8444', '127.0.0.1:6080', p));
  assert.ok(ok('https://secure.example', '127.0.0.1:6080', p));
  assert.ok(!ok('http://secure.example', '127.0.0.1:6080', p));
  assert.ok(!ok('http://sub.gui.example', '127.0.0.1:6080', p));
});
