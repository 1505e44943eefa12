import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharingMember, snapshotImageBody } from './snapshot-image.js';
import type { Instance } from '../../contract/model.js';

const inst = {
  uuid: 'inst-1',
  project_id: 'p1',
  flavor: { disk: 2 },
  image: {
    id: 'base-1',
    min_ram: 64,
    min_disk: 1,
    properties: {
      kernel_id: 'k',
      ramdisk_id: 'r',
      os_command_line: 'console=ttyS0',
      architecture: 'x86_64',
      cache_in_nova: 'True',
      img_signature: 'sig',
      os_glance_importing_to_stores: 'x',
      purpose: 'base',
    },
  },
} as unknown as Instance;

test('a snapshot inherits the boot image properties, less the never-inherited ones, and records where it came from', () => {
  const body = snapshotImageBody(inst, { name: 'snap', type: 'snapshot', user_id: 'u1', project_id: 'p1', extra: { purpose: 'mine' } });
  assert.deepEqual(body, {
    kernel_id: 'k',
    ramdisk_id: 'r',
    os_command_line: 'console=ttyS0',
    architecture: 'x86_64',
    purpose: 'mine',
    base_image_ref: 'base-1',
    instance_uuid: 'inst-1',
    user_id: 'u1',
    image_type: 'snapshot',
    name: 'snap',
    visibility: 'private',
    min_ram: 64,
    min_disk: 2,
  });
});

test("a snapshot of a snapshot keeps the first base_image_ref; another project's caller shares it with the owner", () => {
  const fromSnap = { ...inst, image: { ...inst.image, properties: { base_image_ref: 'orig' } } } as Instance;
  const body = snapshotImageBody(fromSnap, {
    name: 'b',
    type: 'backup',
    user_id: 'admin',
    project_id: 'admin-p',
    extra: { backup_type: 'daily' },
  });
  assert.equal(body.base_image_ref, 'orig');
  assert.equal(body.visibility, 'shared');
  assert.equal('instance_owner' in body, false, 'a member, never a stored property');
  assert.equal(sharingMember(fromSnap, 'admin-p'), 'p1');
  assert.equal(sharingMember(fromSnap, 'p1'), null);
  assert.equal(body.image_type, 'backup');
  assert.equal(body.backup_type, 'daily');
  assert.equal('disk_format' in body, false, 'formats are set by nova-compute with the bytes');
});
