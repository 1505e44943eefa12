import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageListQuery } from './image-list-query.js';
import { propertyPatch } from './routes/images.js';

test("Nova's image filters as glance v2 reads them", () => {
  const q = imageListQuery({
    name: 'n',
    status: 'ACTIVE',
    server: 'http://h:8774/v2.1/servers/abc',
    type: 'snapshot',
    'property-os_distro': 'debian',
    limit: '2',
    marker: 'm',
    'changes-since': '2026-01-01T00:00:00Z',
    minRam: '64',
    ignored: 'x',
  });
  assert.deepEqual(q.glance, {
    name: 'n',
    status: 'active',
    instance_uuid: 'abc',
    image_type: 'snapshot',
    os_distro: 'debian',
    limit: '2',
    marker: 'm',
  });
  assert.equal(q.changesSince, Date.parse('2026-01-01T00:00:00Z'));
  assert.equal(q.minRam, 64);
  assert.equal(q.minDisk, null);
  assert.equal(imageListQuery({ server: 'abc' }).glance.instance_uuid, 'abc');
  assert.throws(() => imageListQuery({ 'changes-since': 'yesterday' }), /Invalid changes-since/);
  assert.throws(() => imageListQuery({ minDisk: '-1' }), /Invalid minDisk/);
});

test('metadata writes as JSON patches: merge adds and replaces, a replace-all removes the rest', () => {
  const from = { a: '1', b: '2', 'x/y': '3' };
  assert.deepEqual(propertyPatch(from, { a: '1', b: '9', c: '3' }, false), [
    { op: 'replace', path: '/b', value: '9' },
    { op: 'add', path: '/c', value: '3' },
  ]);
  assert.deepEqual(propertyPatch(from, { c: '3' }, true), [
    { op: 'remove', path: '/a' },
    { op: 'remove', path: '/b' },
    { op: 'remove', path: '/x~1y' },
    { op: 'add', path: '/c', value: '3' },
  ]);
});
