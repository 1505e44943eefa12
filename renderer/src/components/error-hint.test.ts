// The next step an error suggests follows from what failed, not from its status code alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorHint, type FailedRequest } from './error-hint';

const req = (p: Partial<FailedRequest>): FailedRequest => ({ status: 500, method: 'GET', url: '/compute/v2.1/servers', message: '', ...p });

test('a 401 at sign-in is wrong credentials; a 401 anywhere else is a refused token', () => {
  const msg = 'The request you have made requires authentication.';
  const tokens = req({ status: 401, method: 'POST', url: '/identity/v3/auth/tokens', message: msg });
  assert.deepEqual(errorHint(tokens, true), { key: 'badCredentials' });
  // Re-issuing from an expired token posts to the same URL: that is the token, not the password.
  assert.deepEqual(errorHint(tokens), { key: '401' });
  assert.deepEqual(errorHint(req({ status: 401, url: '/compute/v2.1/servers/detail', message: msg })), { key: '401' });
  // At sign-in, other failures keep their own hints.
  assert.deepEqual(errorHint(req({ status: 0 }), true), { key: 'unreachable' });
});

test("a 409 naming a host's compute service as unavailable points at that host's nova-compute", () => {
  assert.deepEqual(errorHint(req({ status: 409, method: 'POST', message: 'Compute service of host-a is unavailable at this time.' })), {
    key: 'computeDown',
    params: { host: 'host-a' },
  });
});

test('a 409 for the vm_state says the state forbids it; for a task_state, to wait; a lock, the lock', () => {
  assert.deepEqual(errorHint(req({ status: 409, message: "Cannot 'stop' instance u1 while it is in vm_state stopped" })), {
    key: 'vmState',
    params: { state: 'stopped' },
  });
  assert.deepEqual(errorHint(req({ status: 409, message: "Cannot 'stop' instance u1 while it is in task_state pausing" })), {
    key: 'taskState',
    params: { state: 'pausing' },
  });
  assert.deepEqual(errorHint(req({ status: 409, message: 'Instance u1 is locked' })), { key: 'locked' });
  assert.deepEqual(errorHint(req({ status: 409, message: 'Something else' })), { key: '409' });
});

test('the other statuses, an unreachable lab and a non-HTTP failure', () => {
  assert.deepEqual(errorHint(null), { key: 'generic' });
  assert.deepEqual(errorHint(req({ status: 0 })), { key: 'unreachable' });
  assert.deepEqual(errorHint(req({ status: 403 })), { key: '403' });
  assert.deepEqual(errorHint(req({ status: 404 })), { key: '404' });
  assert.deepEqual(errorHint(req({ status: 400 })), { key: '400' });
  assert.deepEqual(errorHint(req({ status: 503 })), { key: '5xx' });
  assert.deepEqual(errorHint(req({ status: 413 })), { key: 'generic' });
});
