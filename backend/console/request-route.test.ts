import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeRequest } from './request-route.js';
import { checkTarget, tokenFromUrl } from './console-request.js';

test('the console pages and the noVNC trees are served', () => {
  assert.deepEqual(routeRequest('GET', '/vnc_auto.html?path=%3Ftoken%3Dabc'), { kind: 'page', name: 'vnc_auto.html' });
  assert.deepEqual(routeRequest('HEAD', '/vnc_lite.html'), { kind: 'page', name: 'vnc_lite.html' });
  assert.deepEqual(routeRequest('GET', '/vnc.html'), { kind: 'page', name: 'vnc.html' });
  assert.deepEqual(routeRequest('GET', '/'), { kind: 'index' });
  assert.deepEqual(routeRequest('GET', '/app/console.js'), { kind: 'app', name: 'console.js' });
  assert.deepEqual(routeRequest('GET', '/core/rfb.js'), { kind: 'package', tree: 'core', segments: ['rfb.js'] });
  assert.deepEqual(routeRequest('GET', '/vendor/pako/lib/zlib/inflate.js'), {
    kind: 'package',
    tree: 'vendor',
    segments: ['pako', 'lib', 'zlib', 'inflate.js'],
  });
});

test('nothing can step out of the trees', () => {
  for (const url of [
    '/core/../package.json',
    '/core/%2e%2e/package.json',
    '/core/./rfb.js',
    '/vendor/..%2f..%2fpackage.json',
    '/core/%2E%2E/%2E%2E/etc/passwd',
  ]) {
    const r = routeRequest('GET', url);
    assert.equal(r.kind, 'reject', url);
  }
  for (const url of ['/package.json', '/core/rfb.ts', '/core/', '/core', '/app/other.js', '/docs/API.md', '/etc/passwd', '/core/a//b.js']) {
    assert.deepEqual(routeRequest('GET', url).kind, 'reject', url);
  }
});

test('redirect-looking requests get 400 or 404, never anything that sends the browser away', () => {
  const cases: [string, number][] = [
    ['//evil.example/', 400],
    ['//evil.example/%2F..', 400],
    ['/\\evil.example', 400],
    ['/%5Cevil.example', 400],
    ['/%2F%2Fevil.example', 400],
    ['/%2f%2fevil.example/vnc.html', 400],
    ['http://evil.example/', 400],
    ['evil.example', 400],
    ['/?redirect=http://evil.example', 200],
    ['/vnc.html?redirect=//evil.example', 200],
    ['/redirect?to=http://evil.example', 404],
    ['/%00', 400],
    ['/%E0%A4%A', 400],
  ];
  for (const [url, status] of cases) {
    const r = routeRequest('GET', url);
    if (status === 200) assert.notEqual(r.kind, 'reject', url);
    else assert.deepEqual(r.kind === 'reject' && r.status, status, url);
  }
});

test('only GET and HEAD', () => {
  const r = routeRequest('POST', '/vnc.html');
  assert.equal(r.kind === 'reject' && r.status, 405);
});

test("the token comes from ?token= or from Nova's ?path=%3Ftoken%3D…", () => {
  assert.equal(tokenFromUrl('/?token=abc-1'), 'abc-1');
  assert.equal(tokenFromUrl('/websockify?token=abc-1&x=2'), 'abc-1');
  assert.equal(tokenFromUrl('/?path=%3Ftoken%3Dabc-2'), 'abc-2');
  assert.equal(tokenFromUrl('/?path=websockify%3Ftoken%3Dabc-3'), 'abc-3');
  assert.equal(tokenFromUrl('/'), null);
  assert.equal(tokenFromUrl('/?token='), null);
  assert.equal(tokenFromUrl(undefined), null);
});

test('the proxy dials only loopback, vncserver_proxyclient_address or a unix socket', () => {
  assert.ok(checkTarget({ kind: 'tcp', host: '127.0.0.1', port: 5900 }, '127.0.0.1').ok);
  assert.ok(checkTarget({ kind: 'tcp', host: '127.0.0.2', port: 5900 }, '127.0.0.1').ok);
  assert.ok(checkTarget({ kind: 'tcp', host: '::1', port: 5900 }, '127.0.0.1').ok);
  assert.ok(checkTarget({ kind: 'tcp', host: '10.0.0.7', port: 5900 }, '10.0.0.7').ok);
  assert.ok(!checkTarget({ kind: 'tcp', host: '10.0.0.8', port: 5900 }, '10.0.0.7').ok);
  assert.ok(!checkTarget({ kind: 'tcp', host: '169.254.169.254', port: 80 }, '127.0.0.1').ok);
  assert.ok(!checkTarget({ kind: 'tcp', host: '127.0.0.1', port: 0 }, '127.0.0.1').ok);
  assert.deepEqual(checkTarget({ kind: 'unix', path: '/run/x/vnc.sock' }, '127.0.0.1'), { ok: true, connect: { path: '/run/x/vnc.sock' } });
  assert.ok(!checkTarget({ kind: 'unix', path: 'relative.sock' }, '127.0.0.1').ok);
  assert.ok(!checkTarget(null, '127.0.0.1').ok);
});
