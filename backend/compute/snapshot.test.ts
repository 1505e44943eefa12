import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupsToDelete } from './snapshot.js';
import { diskDevice, convertArgs } from './drivers/qemu/snapshot-disk.js';

const img = (id: string) => ({ id, name: id, created_at: '', status: 'active' });

test('a backup rotation keeps the newest `rotation` images (0 keeps none)', () => {
  const newestFirst = [img('c'), img('b'), img('a')];
  assert.deepEqual(backupsToDelete(newestFirst, 2), ['a']);
  assert.deepEqual(backupsToDelete(newestFirst, 5), []);
  assert.deepEqual(backupsToDelete(newestFirst, 0), ['c', 'b', 'a']);
});

test("the QEMU copy: the guest's disk among QEMU's block devices, and the qemu-img flattening", () => {
  const blocks = [{ device: 'ide1-cd0' }, { device: 'virtio0', inserted: { file: '/i/u/disk.qcow2' } }];
  assert.equal(diskDevice(blocks, '/i/u/disk.qcow2'), 'virtio0');
  assert.equal(diskDevice([{ device: 'x' }], '/d'), null);
  assert.deepEqual(convertArgs('/i/u/disk.qcow2', '/i/u/snapshot.qcow2'), [
    'convert',
    '-O',
    'qcow2',
    '/i/u/disk.qcow2',
    '/i/u/snapshot.qcow2',
  ]);
});
