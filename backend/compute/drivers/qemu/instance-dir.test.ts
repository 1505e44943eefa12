// The instance disk against the real qemu-img: an overlay on a base of either format.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOverlay, makeInstanceDirs } from './instance-dir.js';
import { instanceFiles } from './instance-files.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'instance-dir-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const info = (f: string) =>
  JSON.parse(execFileSync('qemu-img', ['info', '--output=json', f], { encoding: 'utf8' })) as Record<string, unknown>;

test("the overlay names its base with the base's own format: raw and qcow2 bases both work", async () => {
  const raw = path.join(tmp, 'base.raw');
  fs.writeFileSync(raw, Buffer.alloc(4 << 20));
  const qcow2 = path.join(tmp, 'base.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '8M']);
  for (const [base, format, size] of [
    [raw, 'raw', 4 << 20],
    [qcow2, 'qcow2', 8 << 20],
  ] as const) {
    const files = instanceFiles(path.join(tmp, 'instances'), randomUUID());
    makeInstanceDirs(files);
    await createOverlay(files, base, format);
    const disk = info(files.disk);
    assert.deepEqual(
      [disk.format, disk['backing-filename'], disk['backing-filename-format'], disk['virtual-size']],
      ['qcow2', base, format, size],
    );
  }
});

test('a format that is not a base disk format never reaches qemu-img', async () => {
  const files = instanceFiles(path.join(tmp, 'instances'), randomUUID());
  makeInstanceDirs(files);
  await assert.rejects(
    createOverlay(files, path.join(tmp, 'base.raw'), 'qcow2,file.driver=ssh' as 'qcow2'),
    /cannot put an overlay on a base disk of format/,
  );
  assert.equal(fs.existsSync(files.disk), false);
});
