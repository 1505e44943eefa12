import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { labImageId, planLabImages, registerLabImages } from './lab-images.js';
import { ImageStore } from './store.js';

const manifest = {
  images: [
    {
      name: 'novalab-x86_64',
      architecture: 'x86_64',
      hypervisor_type: 'qemu',
      kernel: 'x86_64/vmlinuz',
      ramdisk: 'x86_64/initrd.img',
      disk: 'x86_64/disk.qcow2',
      os_command_line: 'console=ttyS0',
    },
  ],
};

test('each entry becomes a kernel, a ramdisk and a bootable qcow2 that names them', () => {
  const [k, r, d] = planLabImages(manifest);
  assert.ok(k && r && d);
  assert.deepEqual([k.name, k.disk_format, k.container_format, k.source], ['novalab-x86_64-kernel', 'aki', 'aki', 'x86_64/vmlinuz']);
  assert.deepEqual([r.name, r.disk_format], ['novalab-x86_64-ramdisk', 'ari']);
  assert.deepEqual([d.name, d.disk_format, d.container_format], ['novalab-x86_64', 'qcow2', 'bare']);
  assert.deepEqual(d.properties, {
    os_command_line: 'console=ttyS0',
    architecture: 'x86_64',
    hypervisor_type: 'qemu',
    novalab_lab_image: 'novalab-x86_64',
  });
  assert.deepEqual(d.refs, { kernel_id: 'novalab-x86_64-kernel', ramdisk_id: 'novalab-x86_64-ramdisk' });
  assert.equal(k.properties.novalab_lab_image, 'novalab-x86_64-kernel');
});

test('a disk without kernel and ramdisk is one image', () => {
  const plans = planLabImages({ images: [{ name: 'whole-disk', disk: 'd.qcow2' }] });
  assert.deepEqual(
    plans.map((p) => p.name),
    ['whole-disk'],
  );
  assert.deepEqual(plans[0]!.refs, {});
});

test('ids are UUIDs derived from name and content: same bytes, same id; new bytes, new id', () => {
  assert.equal(labImageId('novalab-x86_64', 'abc'), labImageId('novalab-x86_64', 'abc'));
  assert.notEqual(labImageId('novalab-x86_64', 'abc'), labImageId('novalab-x86_64', 'abd'));
  assert.notEqual(labImageId('novalab-x86_64', 'abc'), labImageId('novalab-aarch64', 'abc'));
  assert.match(labImageId('x', 'y'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('paths outside resources/images are refused', () => {
  assert.throws(() => planLabImages({ images: [{ name: 'x', disk: '../../etc/passwd' }] }), /inside resources\/images/);
  assert.throws(() => planLabImages({ images: [{ name: 'x', disk: '/etc/passwd' }] }), /inside resources\/images/);
  assert.throws(() => planLabImages({}), /must be a list/);
});

test('registration is idempotent, and a rebuilt kernel becomes a new image the disk then points at', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-lab-images-'));
  try {
    const res = path.join(dir, 'resources');
    fs.mkdirSync(path.join(res, 'x86_64'), { recursive: true });
    const qcow2 = Buffer.alloc(512);
    qcow2.writeUInt32BE(0x514649fb, 0);
    qcow2.writeUInt32BE(3, 4);
    qcow2.writeBigUInt64BE(64n << 20n, 24);
    fs.writeFileSync(path.join(res, 'x86_64/disk.qcow2'), qcow2);
    fs.writeFileSync(path.join(res, 'x86_64/vmlinuz'), 'kernel v1');
    fs.writeFileSync(path.join(res, 'x86_64/initrd.img'), 'initrd v1');
    fs.writeFileSync(path.join(res, 'manifest.json'), JSON.stringify(manifest));
    const store = await ImageStore.open(path.join(dir, 'db', 'glance.json'), path.join(dir, 'images'));
    const manifestFile = path.join(res, 'manifest.json');

    const first = await registerLabImages(store, manifestFile);
    assert.deepEqual(first?.registered, ['novalab-x86_64-kernel', 'novalab-x86_64-ramdisk', 'novalab-x86_64']);
    const byName = () => Object.fromEntries(store.all().map((r) => [r.name, r]));
    const v1 = byName();
    assert.equal(v1['novalab-x86_64'].properties.kernel_id, v1['novalab-x86_64-kernel'].id);
    assert.equal(v1['novalab-x86_64'].virtual_size, 64 << 20);
    assert.deepEqual(
      [v1['novalab-x86_64'].visibility, v1['novalab-x86_64'].owner, v1['novalab-x86_64'].status],
      ['public', null, 'active'],
    );

    assert.deepEqual((await registerLabImages(store, manifestFile))?.kept.length, 3);

    fs.writeFileSync(path.join(res, 'x86_64/vmlinuz'), 'kernel v2');
    const second = await registerLabImages(store, manifestFile);
    assert.deepEqual(second?.registered, ['novalab-x86_64-kernel']);
    const v2 = byName();
    assert.equal(store.all().length, 3, 'the old kernel is gone');
    assert.notEqual(v2['novalab-x86_64-kernel'].id, v1['novalab-x86_64-kernel'].id);
    assert.equal(v2['novalab-x86_64'].id, v1['novalab-x86_64'].id, 'the disk did not change');
    assert.equal(v2['novalab-x86_64'].properties.kernel_id, v2['novalab-x86_64-kernel'].id);
    assert.equal(fs.readFileSync(store.dataPath(v2['novalab-x86_64-kernel'].id), 'utf8'), 'kernel v2');
    assert.ok(!fs.existsSync(store.dataPath(v1['novalab-x86_64-kernel'].id)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a new lab reuses the sums of unchanged image files, and a changed file is read again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-lab-sums-'));
  try {
    const res = path.join(dir, 'resources');
    fs.mkdirSync(path.join(res, 'x86_64'), { recursive: true });
    const qcow2 = Buffer.alloc(512);
    qcow2.writeUInt32BE(0x514649fb, 0);
    qcow2.writeUInt32BE(3, 4);
    qcow2.writeBigUInt64BE(64n << 20n, 24);
    fs.writeFileSync(path.join(res, 'x86_64/disk.qcow2'), qcow2);
    fs.writeFileSync(path.join(res, 'x86_64/vmlinuz'), 'kernel v1');
    fs.writeFileSync(path.join(res, 'x86_64/initrd.img'), 'initrd v1');
    fs.writeFileSync(path.join(res, 'manifest.json'), JSON.stringify(manifest));
    const manifestFile = path.join(res, 'manifest.json');
    const lab = async (n: number) => {
      const store = await ImageStore.open(path.join(dir, `db${n}`, 'glance.json'), path.join(dir, `images${n}`));
      await registerLabImages(store, manifestFile);
      return Object.fromEntries(store.all().map((r) => [r.name, r]));
    };

    const first = await lab(1);
    const sumsFile = path.join(res, '.cache', 'lab-image-sums.json');
    assert.equal(Object.keys(JSON.parse(fs.readFileSync(sumsFile, 'utf8'))).length, 3);
    const second = await lab(2);
    for (const name of Object.keys(first))
      assert.deepEqual(
        [second[name]!.id, second[name]!.checksum, second[name]!.os_hash_value],
        [first[name]!.id, first[name]!.checksum, first[name]!.os_hash_value],
      );

    // The cache is what a fresh lab reads: a recorded sum stands for the file's bytes ...
    const sums = JSON.parse(fs.readFileSync(sumsFile, 'utf8')) as Record<string, { checksum: string }>;
    const kernelKey = Object.keys(sums).find((k) => k.startsWith('x86_64/vmlinuz:'))!;
    sums[kernelKey]!.checksum = 'f'.repeat(32);
    fs.writeFileSync(sumsFile, JSON.stringify(sums));
    assert.equal((await lab(3))['novalab-x86_64-kernel']!.checksum, 'f'.repeat(32));

    // ... until the file changes: then it is read and hashed again.
    fs.writeFileSync(path.join(res, 'x86_64/vmlinuz'), 'a rebuilt kernel');
    const fourth = await lab(4);
    assert.equal(fourth['novalab-x86_64-kernel']!.checksum, createHash('md5').update('a rebuilt kernel').digest('hex'));
    assert.equal(fourth['novalab-x86_64-kernel']!.size, 'a rebuilt kernel'.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
