import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toApiImage, versionsDocument } from './serialize.js';
import { imageFromCreate } from './image-record.js';

const demo = { project_id: 'p1', is_admin: false };

test("an image is served with Glance's core fields, links and flattened properties", () => {
  const rec = imageFromCreate(
    {
      name: 'lab-image',
      disk_format: 'qcow2',
      container_format: 'bare',
      architecture: 'aarch64',
      'owner_specified.openstack.md5': '',
    },
    demo,
    '2026-11-23T19:05:36.123Z',
    () => 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  );
  const api = toApiImage(rec);
  assert.deepEqual(Object.keys(api).sort(), [
    'architecture',
    'checksum',
    'container_format',
    'created_at',
    'disk_format',
    'file',
    'id',
    'min_disk',
    'min_ram',
    'name',
    'os_hash_algo',
    'os_hash_value',
    'os_hidden',
    'owner',
    'owner_specified.openstack.md5',
    'protected',
    'schema',
    'self',
    'size',
    'status',
    'tags',
    'updated_at',
    'virtual_size',
    'visibility',
  ]);
  assert.equal(api.status, 'queued');
  assert.equal(api.visibility, 'shared');
  assert.equal(api.owner, 'p1');
  assert.equal(api.created_at, '2026-11-23T19:05:36Z');
  assert.equal(api.file, '/v2/images/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/file');
  assert.equal(api.architecture, 'aarch64');
});

test('a property can never shadow a core field', () => {
  const rec = imageFromCreate({ name: 'x' }, demo);
  rec.properties.status = 'active';
  assert.equal(toApiImage(rec).status, 'queued');
});

test('the versions document names v2.16 as current and links /v2/', () => {
  const doc = versionsDocument('http://h:9292');
  assert.equal(doc.versions[0]!.id, 'v2.16');
  assert.equal(doc.versions[0]!.status, 'CURRENT');
  assert.equal(doc.versions[0]!.links[0]!.href, 'http://h:9292/v2/');
});
