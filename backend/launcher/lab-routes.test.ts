import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLabRoute, labError, labRoutes, maskConfig } from './lab-routes.js';

const routes = labRoutes({ handlers: {} as never, events: {} as never });

test('routes are found by method and path; a parameter matches one plain segment only', () => {
  assert.equal(findLabRoute(routes, 'GET', '/lab/api/events')?.route.path, '/lab/api/events');
  assert.deepEqual(findLabRoute(routes, 'POST', '/lab/api/services/nova-scheduler/restart')?.params, { binary: 'nova-scheduler' });
  assert.equal(findLabRoute(routes, 'POST', '/lab/api/services/..%2f/restart'), null);
  assert.equal(findLabRoute(routes, 'GET', '/lab/api/nothing'), null);
  assert.deepEqual(findLabRoute(routes, 'DELETE', '/lab/api/config')?.methodNotAllowed, ['GET', 'PUT']);
});

test("every lab route says who may call it; only the lab's info is public, and changes are admin's", () => {
  assert.deepEqual(
    routes.filter((r) => r.access === 'public').map((r) => r.path),
    ['/lab/api/info'],
  );
  for (const r of routes.filter((x) => x.method !== 'GET')) assert.equal(r.access, 'admin', `${r.method} ${r.path}`);
});

test("a member's copy of nova.conf has its secret options masked, set or commented", () => {
  const config = {
    text: '[DEFAULT]\ncpu_allocation_ratio = 4\n[novalab]\nadmin_password = s3cret-pw\n#admin_password = novalab\n',
    values: { cpu_allocation_ratio: 4, 'novalab.admin_password': 's3cret-pw' },
  };
  const masked = maskConfig(config) as typeof config;
  assert.ok(!JSON.stringify(masked).includes('s3cret-pw'));
  assert.match(masked.text, /^admin_password = \*\*\*$/m);
  assert.match(masked.text, /^#admin_password = \*\*\*$/m);
  assert.match(masked.text, /^cpu_allocation_ratio = 4$/m);
  assert.equal(masked.values.cpu_allocation_ratio, 4);
});

test('lab errors carry their catalogue code and parameters beside the English text, with the status the catalogue gives', () => {
  const r = labError('method_not_allowed', { method: 'DELETE', path: '/lab/api/config' });
  assert.equal(r.status, 405);
  assert.deepEqual(r.body, {
    error: {
      code: 405,
      title: 'Method Not Allowed',
      message: 'DELETE is not allowed on /lab/api/config.',
      key: 'method_not_allowed',
      params: { method: 'DELETE', path: '/lab/api/config' },
    },
  });
  const invalid = labError('config_invalid', { errors: 'a; b' }, { errors: ['a', 'b'] });
  assert.equal(invalid.status, 400);
  assert.deepEqual((invalid.body as { errors: string[] }).errors, ['a', 'b']);
});
