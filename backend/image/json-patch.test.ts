import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, decodePath, parsePatch, patchDraft } from './json-patch.js';
import { imageFromCreate, type Caller } from './image-record.js';
import { GlanceError } from './errors.js';

const demo: Caller = { project_id: 'p-demo', is_admin: false };
const admin: Caller = { project_id: 'p-admin', is_admin: true };
const base = () =>
  imageFromCreate(
    { name: 'img', disk_format: 'qcow2', container_format: 'bare', architecture: 'x86_64' },
    demo,
    '2026-01-01T00:00:00.000Z',
    () => '11111111-2222-3333-4444-555555555555',
  );
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as GlanceError).status;
  }
  return 200;
};

test('add, replace and remove change properties and core fields', () => {
  const ops = parsePatch([
    { op: 'add', path: '/hw_disk_bus', value: 'virtio' },
    { op: 'replace', path: '/architecture', value: 'aarch64' },
    { op: 'replace', path: '/name', value: 'renamed' },
    { op: 'add', path: '/min_ram', value: 128 },
  ]);
  const next = applyPatch(base(), ops, demo, '2026-01-02T00:00:00.000Z');
  assert.deepEqual(next.properties, { architecture: 'aarch64', hw_disk_bus: 'virtio' });
  assert.equal(next.name, 'renamed');
  assert.equal(next.min_ram, 128);
  assert.equal(next.updated_at, '2026-01-02T00:00:00.000Z');
  const removed = applyPatch(next, parsePatch([{ op: 'remove', path: '/hw_disk_bus' }]), demo);
  assert.deepEqual(removed.properties, { architecture: 'aarch64' });
});

test('the original record is untouched when a later operation fails', () => {
  const rec = base();
  assert.equal(
    status(() =>
      applyPatch(
        rec,
        parsePatch([
          { op: 'replace', path: '/name', value: 'x' },
          { op: 'replace', path: '/nope', value: 'y' },
        ]),
        demo,
      ),
    ),
    409,
  );
  assert.equal(rec.name, 'img');
});

test('read-only attributes give 403, core attributes cannot be removed, missing properties 409', () => {
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'replace', path: '/status', value: 'active' }]), demo)),
    403,
  );
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'remove', path: '/name' }]), demo)),
    403,
  );
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'remove', path: '/nope' }]), demo)),
    409,
  );
});

test('values are checked against the schema', () => {
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'replace', path: '/min_ram', value: 'lots' }]), demo)),
    400,
  );
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'add', path: '/hw_x', value: 5 }]), demo)),
    400,
  );
  assert.equal(
    status(() => applyPatch(base(), parsePatch([{ op: 'replace', path: '/disk_format', value: 'floppy' }]), demo)),
    400,
  );
});

test('only admin may make an image public', () => {
  const ops = parsePatch([{ op: 'replace', path: '/visibility', value: 'public' }]);
  assert.equal(
    status(() => applyPatch(base(), ops, demo)),
    403,
  );
  assert.equal(applyPatch(base(), ops, admin).visibility, 'public');
});

test('disk_format can change only while the image is queued', () => {
  const active = { ...base(), status: 'active' as const };
  assert.equal(
    status(() => applyPatch(active, parsePatch([{ op: 'replace', path: '/disk_format', value: 'raw' }]), demo)),
    403,
  );
});

test('malformed documents are 400s', () => {
  assert.equal(
    status(() => parsePatch({ op: 'add' })),
    400,
  );
  assert.equal(
    status(() => parsePatch([{ op: 'move', path: '/a', from: '/b' }])),
    400,
  );
  assert.equal(
    status(() => parsePatch([{ op: 'add', path: '/a' }])),
    400,
  );
  assert.equal(
    status(() => parsePatch([{ op: 'add', path: '/a/b', value: 'x' }])),
    400,
  );
});

test('JSON pointer escapes are decoded', () => {
  assert.equal(decodePath('/a~1b~0c'), 'a/b~c');
});

test('the v2.0 form (draft 4) names the operation by its key; v2.1 needs "op" and "path"', () => {
  assert.equal(patchDraft('application/openstack-images-v2.0-json-patch'), 4);
  assert.equal(patchDraft('application/openstack-images-v2.1-json-patch; charset=utf-8'), 10);
  const d4 = parsePatch([{ replace: '/name', value: 'new' }, { add: '/hw_disk_bus', value: 'virtio' }, { remove: '/architecture' }], 4);
  assert.deepEqual(d4, [
    { op: 'replace', key: 'name', value: 'new' },
    { op: 'add', key: 'hw_disk_bus', value: 'virtio' },
    { op: 'remove', key: 'architecture' },
  ]);
  const next = applyPatch(base(), d4, demo);
  assert.equal(next.name, 'new');
  assert.deepEqual(next.properties, { hw_disk_bus: 'virtio' });
  // Each form refuses the other's shape, with Glance's words.
  assert.throws(
    () => parsePatch([{ op: 'replace', path: '/name', value: 'x' }], 4),
    /exactly one member named "add", "remove", or "replace"/,
  );
  assert.throws(() => parsePatch([{ replace: '/name', add: '/x', value: 'x' }], 4), /only one member/);
  assert.throws(() => parsePatch([{ replace: '/name', value: 'x' }], 10), /Unable to find `op`/);
  assert.throws(() => parsePatch([{ op: 'move', path: '/name' }], 10), /Invalid operation: `move`/);
  assert.throws(() => parsePatch([{ op: 'replace', value: 'x' }], 10), /Unable to find 'path'/);
  // Both forms take JSON pointers with the leading slash.
  assert.equal(
    status(() => parsePatch([{ replace: 'name', value: 'x' }], 4)),
    400,
  );
});
