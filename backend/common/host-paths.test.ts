import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hidePaths, hidePathsIn } from './host-paths.js';

const roots = ['/home/ann/.local/share/novalab', '/opt/novalab'];

test("files under the lab's roots or system folders keep only their last name", () => {
  assert.equal(
    hidePathsIn("Could not open '/home/ann/.local/share/novalab/images/abc.incoming': No such file", roots),
    "Could not open 'abc.incoming': No such file",
  );
  assert.equal(
    hidePathsIn('qemu-img: Could not open /srv/x/y.qcow2: Permission denied', roots),
    'qemu-img: Could not open y.qcow2: Permission denied',
  );
  assert.equal(hidePathsIn('QMP socket /tmp/nl-1/qmp.sock: ECONNREFUSED', roots), 'QMP socket qmp.sock: ECONNREFUSED');
  assert.equal(hidePathsIn('C:\\Users\\ann\\AppData\\Roaming\\novalab\\db\\nova.json is corrupt', roots), 'nova.json is corrupt');
});

test('node stack frames keep the file and line, not the folder', () => {
  const stack = 'Error: boom\n    at f (file:///opt/novalab/dist/backend/x.js:12:5)\n    at /opt/novalab/dist/y.js:1:2';
  assert.equal(hidePathsIn(stack, roots), 'Error: boom\n    at f (x.js:12:5)\n    at y.js:1:2');
});

test('API paths and ordinary texts are left alone', () => {
  for (const t of [
    'The resource could not be found: GET /v2.1/servers/abc/action.',
    'see /identity/v3 and /image/v2/images',
    'limit param must be an integer >= 0',
    'a/b/c',
  ]) {
    assert.equal(hidePathsIn(t, roots), t);
  }
});

test("this process's own folders are hidden without being named", () => {
  assert.equal(hidePaths(`failed: ${process.cwd()}/state/db/nova.json`), 'failed: nova.json');
});
