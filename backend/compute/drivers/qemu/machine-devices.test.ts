import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instanceFiles } from './instance-files.js';
import { NO_OPTIONAL_DEVICES, readMachineDevices, writeMachineDevices } from './machine-devices.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'machine-devices-'));
const files = instanceFiles(dir, '0b6f1a52-3c1e-4c39-9d1f-6a2f4ed5a001');
fs.mkdirSync(files.dir, { recursive: true });

test('what was written is read back, owner-only', () => {
  writeMachineDevices(files, { freePageReporting: true });
  assert.deepEqual(readMachineDevices(files), { freePageReporting: true });
  assert.equal(fs.statSync(files.machine).mode & 0o777, 0o600);
});

test('no file (a guest started before it existed) or a damaged one: no optional devices', () => {
  fs.rmSync(files.machine, { force: true });
  assert.deepEqual(readMachineDevices(files), NO_OPTIONAL_DEVICES);
  fs.writeFileSync(files.machine, '{"freePageReporting": "yes"');
  assert.deepEqual(readMachineDevices(files), NO_OPTIONAL_DEVICES);
  fs.writeFileSync(files.machine, '{"freePageReporting": "yes"}');
  assert.deepEqual(readMachineDevices(files), NO_OPTIONAL_DEVICES);
});
