import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onPath, qemuProblems } from './qemu-preflight.js';

test('no QEMU: what is missing and how to install it on this OS; one architecture is enough', () => {
  const none = qemuProblems(() => false, 'linux');
  assert.equal(none.length, 2);
  assert.match(none[0]!, /QEMU is not installed/);
  assert.match(none[1]!, /apt-get install qemu-system-x86 qemu-system-arm qemu-utils/);
  assert.match(qemuProblems(() => false, 'darwin')[1]!, /brew install qemu/);
  assert.match(qemuProblems(() => false, 'win32')[1]!, /qemu\.org.*PATH/);
  assert.deepEqual(
    qemuProblems((b) => b !== 'qemu-system-aarch64', 'linux'),
    [],
  );
  assert.match(qemuProblems((b) => b !== 'qemu-img', 'linux')[0]!, /qemu-img is not on the PATH/);
});

test('onPath finds executables in PATH directories only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-path-'));
  fs.writeFileSync(path.join(dir, 'qemu-img'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'not-exec'), '', { mode: 0o644 });
  assert.equal(onPath('qemu-img', { PATH: dir }, 'linux'), true);
  assert.equal(onPath('not-exec', { PATH: dir }, 'linux'), false);
  assert.equal(onPath('qemu-img', { PATH: '' }, 'linux'), false);
  fs.rmSync(dir, { recursive: true });
});
