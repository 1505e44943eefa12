import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLeftovers, isQemuCommandFor, processCommandLine } from './leftovers.js';

const UUID = '0b6f1a52-3c1e-4c39-9d1f-6a2f4ed5a001';

test('recognises the QEMU of an instance by its command line', () => {
  assert.ok(isQemuCommandFor(`/usr/bin/qemu-system-x86_64\0-name\0guest=x\0-uuid\0${UUID}\0`, UUID));
  assert.ok(isQemuCommandFor(`qemu-system-aarch64 -uuid ${UUID}`, UUID));
  assert.ok(!isQemuCommandFor(`/usr/bin/node\0${UUID}`, UUID));
  assert.ok(!isQemuCommandFor('/usr/bin/qemu-system-x86_64\0-uuid\0another', UUID));
});

test('lists instance directories with their pid files, ignoring other names', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
  const other = '0b6f1a52-3c1e-4c39-9d1f-6a2f4ed5a002';
  fs.mkdirSync(path.join(dir, UUID));
  fs.writeFileSync(path.join(dir, UUID, 'qemu.pid'), '4242\n');
  fs.mkdirSync(path.join(dir, other));
  fs.mkdirSync(path.join(dir, 'not-an-instance'));
  const found = findLeftovers(dir).sort((a, b) => a.uuid.localeCompare(b.uuid));
  assert.deepEqual(
    found.map((l) => [l.uuid, l.pid]),
    [
      [UUID, 4242],
      [other, null],
    ],
  );
  assert.deepEqual(findLeftovers(path.join(dir, 'missing')), []);
});

test('reads the command line of a live process', () => {
  assert.match(processCommandLine(process.pid) ?? '', /node/);
});
