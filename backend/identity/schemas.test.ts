import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAuthRequest, validateProjectCreate, validateProjectUpdate, validateUserCreate } from './schemas.js';
import { KeystoneError } from './errors.js';

const osc = {
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', password: 'x', domain: { name: 'Default' } } } },
    scope: { project: { name: 'admin', domain: { name: 'Default' } } },
  },
};

function rejects(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof KeystoneError && e.code === 400 && pattern.test(e.message));
}

test('accepts the auth request exactly as OSC sends it, unscoped and token re-scoping', () => {
  validateAuthRequest(osc);
  validateAuthRequest({ auth: { identity: osc.auth.identity } });
  validateAuthRequest({ auth: { identity: osc.auth.identity, scope: 'unscoped' } });
  validateAuthRequest({ auth: { identity: { methods: ['token'], token: { id: 'abc' } }, scope: { project: { id: 'p' } } } });
});

test('refuses unknown top-level fields, naming the field', () => {
  rejects(() => validateAuthRequest({ ...osc, extra: 1 }), /unknown field 'extra'/);
  rejects(() => validateProjectCreate({ project: { name: 'p' }, more: true }), /unknown field 'more'/);
});

test('says which field is missing or of the wrong type', () => {
  rejects(() => validateAuthRequest({}), /'auth' is required/);
  rejects(() => validateAuthRequest({ auth: { identity: { methods: 'password' } } }), /'auth.identity.methods': must be array/);
  rejects(() => validateProjectCreate({ project: { name: 5 } }), /'project.name': must be string/);
  rejects(() => validateAuthRequest({ auth: { identity: { methods: ['password'] }, scope: 'everything' } }), /"unscoped" or an object/);
});

test('refuses blank names and names with control characters', () => {
  rejects(() => validateProjectCreate({ project: { name: '   ' } }), /must not be blank/);
  rejects(() => validateUserCreate({ user: { name: 'a\nb' } }), /must not be blank or contain control characters/);
  rejects(() => validateProjectCreate({ project: { name: 'x'.repeat(65) } }), /must NOT have more than 64 characters/);
});

test('a missing body (not JSON) is a clear 400', () => {
  rejects(() => validateProjectUpdate(undefined), /Expecting a JSON request body/);
});

test('accepts what `openstack project create` and `user create` send', () => {
  validateProjectCreate({ project: { name: 'lab', domain_id: 'default', description: 'd', enabled: true, tags: [], options: {} } });
  validateUserCreate({
    user: { name: 'alice', domain_id: 'default', password: 'pw', enabled: true, options: {}, default_project_id: 'p' },
  });
});
