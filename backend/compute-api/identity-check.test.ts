import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyProjectId } from './identity-check.js';
import { ApiFault } from './faults.js';

const answering = (status: number) => (async () => new Response('{}', { status })) as typeof fetch;

test("only keystone's 404 makes a project invalid, as Nova's verify_project_id", async () => {
  await assert.rejects(
    verifyProjectId('http://keystone', 'tok', 'p-x', answering(404)),
    (e: unknown) => e instanceof ApiFault && e.status === 400 && e.message === 'Project ID p-x is not a valid project.',
  );
  for (const status of [200, 403, 500]) await verifyProjectId('http://keystone', 'tok', 'p-x', answering(status));
  // Keystone not answering: Nova takes the pass.
  await verifyProjectId('http://keystone', 'tok', 'p-x', (async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch);
});

test("the project is asked for with the caller's token, its id escaped", async () => {
  let seen: { url: string; token: string | null } | null = null;
  const spy = (async (url: string, init: RequestInit) => {
    seen = { url, token: new Headers(init.headers).get('x-auth-token') };
    return new Response('{}', { status: 200 });
  }) as unknown as typeof fetch;
  await verifyProjectId('http://keystone:5000', 'tok-1', 'a b/c', spy);
  assert.deepEqual(seen, { url: 'http://keystone:5000/v3/projects/a%20b%2Fc', token: 'tok-1' });
});
