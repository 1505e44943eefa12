import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labImageId, planLabImages } from './lab-images.js';

const manifest = { images: [{
  name: 'novalab-x86_64', architecture: 'x86_64', hypervisor_type: 'qemu',
  kernel: 'x86_64/vmlinuz', ramdisk: 'x86_64/initrd.img', disk: 'x86_64/disk.qcow2', os_command_line: 'console=ttyS0',
}] };

test('each entry becomes a kernel, a ramdisk and a bootable qcow2 that names them', () => {
  const [k, r, d] = planLabImages(manifest);
  assert.deepEqual([k.name, k.disk_format, k.container_format], ['novalab-x86_64-kernel', 'aki', 'aki']);
  assert.deepEqual([r.name, r.disk_format], ['novalab-x86_64-ramdisk', 'ari']);
  assert.deepEqual([d.name, d.disk_format, d.container_format], ['novalab-x86_64', 'qcow2', 'bare']);
  assert.deepEqual(d.properties, {
    os_command_line: 'console=ttyS0', architecture: 'x86_64', hypervisor_type: 'qemu',
    novalab_lab_image: 'novalab-x86_64', kernel_id: k.id, ramdisk_id: r.id,
  });
});

test('ids are stable UUIDs derived from the names', () => {
  assert.equal(labImageId('novalab-x86_64'), labImageId('novalab-x86_64'));
  assert.notEqual(labImageId('novalab-x86_64'), labImageId('novalab-aarch64'));
  assert.match(labImageId('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('paths outside resources/images are refused', () => {
  assert.throws(() => planLabImages({ images: [{ name: 'x', disk: '../../etc/passwd' }] }), /inside resources\/images/);
  assert.throws(() => planLabImages({ images: [{ name: 'x', disk: '/etc/passwd' }] }), /inside resources\/images/);
  assert.throws(() => planLabImages({}), /must be a list/);
});
