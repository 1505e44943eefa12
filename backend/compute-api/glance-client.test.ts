import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glanceClient, glanceFault } from './glance-client.js';

const webob = (status: string, why: string) => `${status}\n\n${why}`;

test("glance refusing a query is the client's 400 with glance's explanation, not a 503", () => {
  const f = glanceFault(400, webob('400 Bad Request', 'limit param must be an integer >= 0'));
  assert.equal(f.status, 400);
  assert.equal(f.message, 'limit param must be an integer >= 0');
  assert.equal(glanceFault(400, webob('400 Bad Request', 'bad'), 'img-1').message, 'Request of image img-1 failed: bad');
});

test("glance's 401/403 are Nova's ImageNotAuthorized (403), 404 not found; only glance failing is 503", () => {
  assert.equal(glanceFault(401, '', 'i').status, 403);
  assert.equal(glanceFault(403, '', 'i').message, 'Not authorized for image i.');
  assert.equal(glanceFault(404, webob('404 Not Found', 'gone')).status, 404);
  assert.equal(glanceFault(500, webob('500 Internal Server Error', 'oops')).status, 503);
});

test("the image list and show carry glance's 400 through as 400", async () => {
  const fake = (async () => new Response(webob('400 Bad Request', 'Invalid marker.'), { status: 400 })) as typeof fetch;
  const glance = glanceClient('http://glance.invalid', fake);
  await assert.rejects(glance.listImages('t', { marker: 'x' }), (e: { status: number }) => e.status === 400);
  await assert.rejects(
    glance.getImage('t', 'abc'),
    (e: { status: number; message: string }) => e.status === 400 && /Request of image abc failed/.test(e.message),
  );
});
