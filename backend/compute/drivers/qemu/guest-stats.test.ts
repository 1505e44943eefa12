import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuStats, diskStats, threadCpuNs } from './guest-stats.js';

test('a thread stat line gives utime + stime in ns, even with spaces in the command name', () => {
  const line = '4242 (CPU 0/TCG) S 1 4242 4242 0 -1 4194368 100 0 0 0 250 50 0 0 20 0 3 0 1000 0 0';
  assert.equal(threadCpuNs(line), 3_000_000_000);
  assert.equal(threadCpuNs(null), null);
  assert.equal(threadCpuNs('garbage'), null);
});

test('vCPUs by index, with null time where the thread is unknown', () => {
  const stats = cpuStats([{ 'cpu-index': 1, 'thread-id': 11 }, { 'cpu-index': 0, 'thread-id': 10 }, { 'cpu-index': 2 }], (tid) =>
    tid === 10 ? '10 (x) S 1 1 1 0 -1 0 0 0 0 0 100 0 0 0 20 0 1 0 1 0 0' : null,
  );
  assert.deepEqual(stats, [
    { id: 0, timeNs: 1_000_000_000 },
    { id: 1, timeNs: null },
    { id: 2, timeNs: null },
  ]);
});

test("block stats become the guest's vda, vdb with read/write counters and failed operations as errors", () => {
  const disks = diskStats([
    {
      device: '',
      qdev: '/machine/peripheral-anon/device[0]/virtio-backend',
      stats: { rd_bytes: 512, rd_operations: 1, wr_bytes: 0, wr_operations: 0, failed_rd_operations: 2 },
    },
    { device: 'nothing' },
    { device: 'drive1', stats: { rd_bytes: 1, wr_bytes: 2, rd_operations: 3, wr_operations: 4 } },
  ]);
  assert.deepEqual(disks, [
    { name: 'vda', readBytes: 512, readRequests: 1, writeBytes: 0, writeRequests: 0, errors: 2 },
    { name: 'vdb', readBytes: 1, readRequests: 3, writeBytes: 2, writeRequests: 4, errors: 0 },
  ]);
});
