import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, MAX_VERSION, negotiateVersion, parseVersion, versionHeaders } from './microversion.js';

test('no version header means 2.1 (the SDK sends none on action POSTs)', () => {
  const r = negotiateVersion({});
  assert.ok(r.ok);
  assert.equal(r.text, '2.1');
});

test('the legacy header alone is honoured (novaclient below 2.27)', () => {
  const r = negotiateVersion({ 'x-openstack-nova-api-version': '2.37' });
  assert.ok(r.ok && r.text === '2.37');
});

test('the new header wins over the legacy one and may list other services', () => {
  const r = negotiateVersion({ 'openstack-api-version': 'image 2.5, compute 2.53', 'x-openstack-nova-api-version': '2.1' });
  assert.ok(r.ok && r.text === '2.53');
});

test('a new header without a compute entry falls back to the legacy header', () => {
  const r = negotiateVersion({ 'openstack-api-version': 'volume 3.0', 'x-openstack-nova-api-version': '2.10' });
  assert.ok(r.ok && r.text === '2.10');
});

test('"latest" means the maximum', () => {
  const r = negotiateVersion({ 'openstack-api-version': 'compute latest' });
  assert.ok(r.ok && r.text === MAX_VERSION);
});

test("a version outside the range is a 406 with Nova's message", () => {
  for (const v of ['2.97', '3.0', '2.0']) {
    const r = negotiateVersion({ 'x-openstack-nova-api-version': v });
    assert.ok(!r.ok);
    assert.equal(r.status, 406);
    assert.equal(r.message, `Version ${v} is not supported by the API. Minimum is 2.1 and maximum is 2.96.`);
  }
});

test('a malformed version is a 400', () => {
  for (const v of ['2', 'two', '2.01', '2.1.1', '', 'compute']) {
    const r = negotiateVersion({ 'x-openstack-nova-api-version': v });
    assert.ok(!r.ok, v);
    assert.equal(r.status, 400, v);
    assert.match(r.message, /is of invalid format/);
  }
});

test('versions compare numerically, not as text', () => {
  const v = parseVersion('2.10')!;
  assert.ok(atLeast(v, '2.9'));
  assert.ok(!atLeast(v, '2.11'));
  assert.ok(atLeast(parseVersion('2.100')!, '2.96'));
});

test('replies echo both headers and Vary', () => {
  assert.deepEqual(versionHeaders(parseVersion('2.37')!), {
    'OpenStack-API-Version': 'compute 2.37',
    'X-OpenStack-Nova-API-Version': '2.37',
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  });
});
