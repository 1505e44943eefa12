import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QCOW2_MAGIC, readQcow2Header, sniffFormat } from './qcow2-header.js';

function qcow2Head(
  opts: { version?: number; size?: bigint; backingOffset?: bigint; backingSize?: number; incompatible?: bigint; crypt?: number } = {},
): Buffer {
  const b = Buffer.alloc(104);
  b.writeUInt32BE(QCOW2_MAGIC, 0);
  b.writeUInt32BE(opts.version ?? 3, 4);
  b.writeBigUInt64BE(opts.backingOffset ?? 0n, 8);
  b.writeUInt32BE(opts.backingSize ?? 0, 16);
  b.writeUInt32BE(16, 20);
  b.writeBigUInt64BE(opts.size ?? 1n << 30n, 24);
  b.writeUInt32BE(opts.crypt ?? 0, 32);
  b.writeBigUInt64BE(opts.incompatible ?? 0n, 72);
  return b;
}

test('reads the virtual size as the big-endian uint64 at byte 24', () => {
  assert.equal(readQcow2Header(qcow2Head({ size: 16n * 1024n * 1024n }))?.virtualSize, 16 * 1024 * 1024);
  assert.equal(readQcow2Header(qcow2Head({ size: 0x1_0000_0200n }))?.virtualSize, 0x1_0000_0200);
});

test('notices a backing file, an external data file and encryption', () => {
  const plain = readQcow2Header(qcow2Head())!;
  assert.deepEqual([plain.hasBackingFile, plain.hasDataFile, plain.encrypted], [false, false, false]);
  assert.equal(readQcow2Header(qcow2Head({ backingOffset: 512n, backingSize: 11 }))?.hasBackingFile, true);
  assert.equal(readQcow2Header(qcow2Head({ incompatible: 0b100n }))?.hasDataFile, true);
  assert.equal(readQcow2Header(qcow2Head({ crypt: 1 }))?.encrypted, true);
});

test('the data-file bit of a version 2 header is not read (v2 has no feature fields)', () => {
  assert.equal(readQcow2Header(qcow2Head({ version: 2, incompatible: 0b100n }))?.hasDataFile, false);
});

test('anything without the magic, or too short, is not a qcow2 header', () => {
  assert.equal(readQcow2Header(Buffer.from('hello world, this is plain text and certainly no disk image at all.......')), null);
  assert.equal(readQcow2Header(qcow2Head().subarray(0, 40)), null);
});

test('sniffs the formats qemu would treat specially, and calls the rest raw', () => {
  assert.equal(sniffFormat(qcow2Head()), 'qcow2');
  assert.equal(sniffFormat(Buffer.from('KDMV\x01\x00\x00\x00', 'latin1')), 'vmdk');
  assert.equal(sniffFormat(Buffer.from('# Disk DescriptorFile\nversion=1\n')), 'vmdk');
  assert.equal(sniffFormat(Buffer.from('LUKS\xba\xbe\x00\x01', 'latin1')), 'luks');
  assert.equal(sniffFormat(Buffer.from('vhdxfile')), 'vhdx');
  const vdi = Buffer.alloc(72);
  vdi.writeUInt32LE(0xbeda107f, 64);
  assert.equal(sniffFormat(vdi), 'vdi');
  assert.equal(sniffFormat(Buffer.from('just some text\n')), 'raw');
  assert.equal(sniffFormat(Buffer.alloc(0)), 'raw');
});
