import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceFiles, MAX_SOCKET_PATH } from './instance-files.js';

const UUID = '0b6f1a52-3c1e-4c39-9d1f-6a2f4ed5a001';

test('names every file inside <instancesDir>/<uuid>/', () => {
  const f = instanceFiles('/lab/instances', UUID);
  assert.equal(f.dir, `/lab/instances/${UUID}`);
  assert.equal(f.socketDir, f.dir);
  assert.equal(f.disk, `${f.dir}/disk.qcow2`);
  assert.equal(f.consoleLog, `${f.dir}/console.log`);
  assert.equal(f.qmpSocket, `${f.dir}/qmp.sock`);
  assert.equal(f.vncSocket, `${f.dir}/vnc.sock`);
  assert.equal(f.pidFile, `${f.dir}/qemu.pid`);
  assert.equal(f.suspendState, `${f.dir}/suspend.state`);
  assert.equal(f.spec, `${f.dir}/spec.json`);
});

test('refuses a name that is not a uuid', () => {
  assert.throws(() => instanceFiles('/lab', '../etc'), /not an instance uuid/);
  assert.throws(() => instanceFiles('/lab', `${UUID}/..`), /not an instance uuid/);
});

test('puts sockets in a short, stable directory when the instance directory is too deep', () => {
  const deep = '/home/someone/.config/novalab/state/hosts/compute-host-with-a-long-name/instances';
  const f = instanceFiles(deep, UUID, '/tmp');
  assert.notEqual(f.socketDir, f.dir);
  assert.match(f.socketDir, /^\/tmp\/novalab-[0-9a-f]{16}$/);
  assert.ok(f.qmpSocket.startsWith(f.socketDir) && f.qmpSocket.length <= MAX_SOCKET_PATH);
  assert.ok(f.disk.startsWith(f.dir));
  assert.equal(instanceFiles(deep, UUID, '/tmp').socketDir, f.socketDir);
});
