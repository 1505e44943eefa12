import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orphans, type PidRecord } from './orphans.js';

const rec: PidRecord = {
  launcher: 100,
  services: [
    { binary: 'nova-compute', host: 'host-a', pid: 201 },
    { binary: 'keystone', host: 'novalab', pid: 202 },
    { binary: 'nova-conductor', host: 'novalab', pid: 203 },
    { binary: 'glance-api', host: 'novalab', pid: 204 },
  ],
};
const names: Record<number, string> = {
  201: 'nova-compute',
  202: 'bash',
  203: 'nova-conductor',
};

test("a dead launcher's services still running under their own name are orphans; recycled and gone pids are not", () => {
  assert.deepEqual(
    orphans(rec, false, (pid) => names[pid] ?? null).map((s) => s.pid),
    [201, 203],
  );
});

test('nothing is an orphan while the launcher that recorded them runs, or with no record', () => {
  assert.deepEqual(
    orphans(rec, true, (pid) => names[pid] ?? null),
    [],
  );
  assert.deepEqual(
    orphans(null, false, () => 'nova-compute'),
    [],
  );
});

test('a name cut to 15 characters by the kernel still matches its service', () => {
  const long: PidRecord = {
    launcher: 1,
    services: [{ binary: 'nova-consoleauth', host: 'novalab', pid: 7 }],
  };
  assert.equal(orphans(long, false, () => 'nova-consoleaut').length, 1);
});
