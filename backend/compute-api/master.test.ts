import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from './master.js';

test("Compute API workers get a larger young generation; metadata and EC2 workers keep the parent's flags", () => {
  const parent = ['--max-semi-space-size=1', '--enable-source-maps'];
  const osapi = workerExecArgv(parent, 'osapi_compute');
  assert.deepEqual(
    osapi.filter((a) => a.startsWith('--max-semi-space-size')),
    ['--max-semi-space-size=16'],
  );
  assert.ok(osapi.includes('--enable-source-maps'));
  assert.deepEqual(workerExecArgv(parent, 'metadata'), parent);
  assert.deepEqual(workerExecArgv(parent, 'ec2'), parent);
});
