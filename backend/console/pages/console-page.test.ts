import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CONSOLE_JS } from './console-page.js';

// The page's script lives in a template string, where an escape meant for the script (\')
// silently becomes something else: parse what the browser will get.
test("the console page's script is valid JavaScript as served", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-page-'));
  try {
    const file = path.join(dir, 'console.mjs');
    fs.writeFileSync(file, CONSOLE_JS);
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
