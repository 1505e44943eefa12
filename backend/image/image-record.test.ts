import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageFromCreate } from './image-record.js';
import type { GlanceError } from './errors.js';

const demo = { project_id: 'demo', is_admin: false };
const admin = { project_id: 'admin', is_admin: true };
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as GlanceError).status;
  }
  return 201;
};

test("defaults: queued, shared, owned by the caller's project", () => {
  const r = imageFromCreate({ name: 'a' }, demo);
  assert.deepEqual([r.status, r.visibility, r.owner, r.min_ram, r.protected], ['queued', 'shared', 'demo', 0, false]);
  assert.match(r.id, /^[0-9a-f-]{36}$/);
});

test("custom properties are stored as strings, the SDK's owner_specified keys included", () => {
  const r = imageFromCreate({ name: 'a', hypervisor_type: 'qemu', 'owner_specified.openstack.object': 'images/a', kernel_id: null }, demo);
  assert.deepEqual(r.properties, { hypervisor_type: 'qemu', 'owner_specified.openstack.object': 'images/a' });
});

test('an id may be given (and is normalised to lower case)', () => {
  assert.equal(imageFromCreate({ id: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE' }, demo).id, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
  assert.equal(
    status(() => imageFromCreate({ id: 'not-a-uuid' }, demo)),
    400,
  );
});

test('read-only and reserved attributes are 403', () => {
  for (const k of ['status', 'checksum', 'size', 'virtual_size', 'os_hash_value', 'created_at', 'self', 'locations', 'os_glance_x']) {
    assert.equal(
      status(() => imageFromCreate({ [k]: 'x' }, demo)),
      403,
      k,
    );
  }
});

test('bad types and unknown formats are 400', () => {
  assert.equal(
    status(() => imageFromCreate({ name: 5 }, demo)),
    400,
  );
  assert.equal(
    status(() => imageFromCreate({ disk_format: 'floppy' }, demo)),
    400,
  );
  assert.equal(
    status(() => imageFromCreate({ min_ram: -1 }, demo)),
    400,
  );
  assert.equal(
    status(() => imageFromCreate({ hw_x: 5 }, demo)),
    400,
  );
  assert.equal(
    status(() => imageFromCreate([], demo)),
    400,
  );
});

test("public images are admin-only; others' ownership too", () => {
  assert.equal(
    status(() => imageFromCreate({ visibility: 'public' }, demo)),
    403,
  );
  assert.equal(imageFromCreate({ visibility: 'public' }, admin).visibility, 'public');
  assert.equal(
    status(() => imageFromCreate({ owner: 'admin' }, demo)),
    403,
  );
  assert.equal(imageFromCreate({ owner: 'demo' }, admin).owner, 'demo');
});

test('more than 128 properties is 413', () => {
  const body = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, 'v']));
  assert.equal(
    status(() => imageFromCreate(body, demo)),
    413,
  );
});
