import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticTarget } from './static-path.js';

test('a malformed percent-escape or a NUL in a GUI path is a 400, never an exception', () => {
  for (const url of ['/%', '/%zz', '/assets/%E0%A4%A', '/a%00b', '/%c0%af']) {
    const t = staticTarget('GET', url);
    assert.ok(!t.ok && t.status === 400, url);
  }
});

test('dot segments and backslashes never climb out of the GUI folder', () => {
  for (const url of ['/../../etc/passwd', '/assets/..%2f..%2f..%2fetc/passwd', '/..\\..\\secrets', '/%2e%2e/%2e%2e/x']) {
    const t = staticTarget('GET', url);
    assert.ok(t.ok, url);
    assert.ok(!t.rel.split('/').includes('..'), `${url} → ${t.rel}`);
  }
});

test('paths name files of the build; the query string never does', () => {
  assert.deepEqual(staticTarget('GET', '/assets/app.js?x=/etc/passwd'), { ok: true, rel: 'assets/app.js' });
  assert.deepEqual(staticTarget('HEAD', '/'), { ok: true, rel: '' });
  assert.deepEqual(staticTarget('GET', 'http://evil.example/assets/a.js'), { ok: true, rel: 'http:/evil.example/assets/a.js' });
});

test('the GUI answers only GET and HEAD', () => {
  for (const m of ['POST', 'PUT', 'DELETE', 'PROPFIND', undefined]) {
    const t = staticTarget(m, '/');
    assert.ok(!t.ok && t.status === 405);
  }
});
