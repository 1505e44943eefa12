import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeHead, judgeQemuImg, type QemuImgInfo, type QemuImgResult } from './inspector.js';
import { QCOW2_MAGIC } from './qcow2-header.js';

function qcow2(size = 1n << 20n, backing = false): Buffer {
  const b = Buffer.alloc(104);
  b.writeUInt32BE(QCOW2_MAGIC, 0);
  b.writeUInt32BE(3, 4);
  if (backing) {
    b.writeBigUInt64BE(0x200n, 8);
    b.writeUInt32BE(11, 16);
  }
  b.writeBigUInt64BE(size, 24);
  return b;
}
const text = Buffer.from('#!/bin/sh\necho this is not a disk\n');
const ok = (info: Partial<QemuImgInfo>): QemuImgResult => ({ ok: true, info: { format: 'qcow2', 'virtual-size': 1 << 20, ...info } });

test('a plain qcow2 passes the header check with its virtual size', () => {
  assert.deepEqual(judgeHead('qcow2', qcow2(), 104), { ok: true, virtualSize: 1 << 20 });
});

test('refuses text claimed as qcow2, and a qcow2 claimed as raw', () => {
  const a = judgeHead('qcow2', text, text.length);
  assert.equal(a.ok, false);
  assert.match((a as { reason: string }).reason, /^Image is not a valid qcow2: the data is a raw image/);
  const b = judgeHead('raw', qcow2(), 104);
  assert.equal(b.ok, false);
  assert.match((b as { reason: string }).reason, /^Image is not a valid raw: the data is a qcow2 image/);
});

test('refuses a qcow2 whose header names a backing file', () => {
  const v = judgeHead('qcow2', qcow2(1n << 20n, true), 104);
  assert.equal(v.ok, false);
  assert.match((v as { reason: string }).reason, /backing file/);
});

test('kernels and ramdisks are raw blobs: no qemu-img, size is the virtual size', () => {
  assert.deepEqual(judgeHead('aki', text, text.length), { ok: true, virtualSize: text.length, final: true });
  assert.equal(judgeHead('ari', qcow2(), 104).ok, false);
});

test('qemu-img: the detected format must be the claimed one', () => {
  const raw = ok({ format: 'raw' });
  assert.equal(judgeQemuImg('qcow2', raw, { ok: false, message: "qemu-img: Could not open 'x': Image is not in qcow2 format" }).ok, false);
  assert.equal(judgeQemuImg('raw', ok({}), raw).ok, false);
  assert.deepEqual(judgeQemuImg('qcow2', ok({}), ok({})), { ok: true, virtualSize: 1 << 20 });
  assert.deepEqual(judgeQemuImg('iso', raw, raw), { ok: true, virtualSize: 1 << 20 });
});

test('qemu-img: a backing file, a data file or corruption is refused', () => {
  const evil = ok({ 'backing-filename': '/etc/passwd', 'full-backing-filename': '/etc/passwd' });
  const v = judgeQemuImg('qcow2', evil, evil);
  assert.equal(v.ok, false);
  assert.match((v as { reason: string }).reason, /\/etc\/passwd/);
  const df = ok({ 'format-specific': { type: 'qcow2', data: { 'data-file': '/etc/shadow' } } });
  assert.match((judgeQemuImg('qcow2', df, df) as { reason: string }).reason, /external data file/);
  const corrupt = ok({ 'format-specific': { type: 'qcow2', data: { corrupt: true } } });
  assert.equal(judgeQemuImg('qcow2', corrupt, corrupt).ok, false);
});

test('qemu-img: only single-file VMDKs are allowed', () => {
  const vmdk = (t: string) => ok({ format: 'vmdk', 'format-specific': { type: 'vmdk', data: { 'create-type': t } } });
  assert.equal(judgeQemuImg('vmdk', vmdk('monolithicSparse'), vmdk('monolithicSparse')).ok, true);
  assert.equal(judgeQemuImg('vmdk', vmdk('monolithicFlat'), vmdk('monolithicFlat')).ok, false);
});
