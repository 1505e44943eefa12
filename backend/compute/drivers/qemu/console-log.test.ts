import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastLines, readConsoleLog } from './console-log.js';

test('lastLines keeps the last n lines and a final line break', () => {
  assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
  assert.equal(lastLines('a\nb\nc', 2), 'b\nc');
  assert.equal(lastLines('a\n', 5), 'a\n');
});

test('reads a missing log as empty, a whole log, and the tail of a big one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
  const file = path.join(dir, 'console.log');
  assert.equal(await readConsoleLog(file, 10), '');
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  assert.equal(await readConsoleLog(file, 3), lines.slice(-3).join('\n') + '\n');
  assert.equal(await readConsoleLog(file, 5000), lines.slice(-5000).join('\n') + '\n');
  assert.equal((await readConsoleLog(file)).length, fs.statSync(file).size);
});
