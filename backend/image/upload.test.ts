import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PROGRESS_STEP, receiveToFile } from './upload.js';
import { GlanceError } from './errors.js';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-upload-')), 'incoming');
const chunks = (n: number, size: number) => Readable.from(Array.from({ length: n }, (_, i) => Buffer.alloc(size, i)));

test('writes the bytes, hashes them and reports progress about every MiB', async () => {
  const file = tmp();
  const seen: number[] = [];
  const r = await receiveToFile(chunks(10, 300 * 1024), file, { maxBytes: 1 << 30, onProgress: (b) => seen.push(b) });
  const bytes = fs.readFileSync(file);
  assert.equal(r.size, 10 * 300 * 1024);
  assert.equal(bytes.length, r.size);
  assert.equal(r.checksum, createHash('md5').update(bytes).digest('hex'));
  assert.equal(r.os_hash_value, createHash('sha512').update(bytes).digest('hex'));
  assert.equal(seen.at(-1), r.size);
  assert.ok(seen.length >= 2 && seen.length <= 4, `progress calls: ${seen.join(', ')}`);
  assert.ok(seen.slice(0, -1).every((b, i, a) => b - (a[i - 1] ?? 0) >= PROGRESS_STEP));
});

test('more bytes than the cap is a 413 and leaves no file behind', async () => {
  const file = tmp();
  await assert.rejects(receiveToFile(chunks(4, 1000), file, { maxBytes: 3500 }), (e: GlanceError) => e.status === 413);
  assert.equal(fs.existsSync(file), false);
});

test('a source that breaks off leaves no file behind', async () => {
  const file = tmp();
  const broken = new Readable({
    read() {
      this.push(Buffer.alloc(100));
      this.destroy(new Error('connection reset'));
    },
  });
  await assert.rejects(receiveToFile(broken, file, { maxBytes: 1 << 20 }), /connection reset/);
  assert.equal(fs.existsSync(file), false);
});

test('never overwrites an existing file', async () => {
  const file = tmp();
  fs.writeFileSync(file, 'already here');
  await assert.rejects(receiveToFile(chunks(1, 10), file, { maxBytes: 100 }), /EEXIST/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'already here');
});
