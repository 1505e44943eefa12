import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumeFromRequest } from './consume.js';
import { makeFlavor, makeHost } from './test-fixtures.js';

test("an instance placed by a multi-create uses its host's resources for the next one: RAM, vCPUs, root + ephemeral disk, one instance, one I/O op", () => {
  const host = makeHost({ memory_mb: 4096, local_gb: 40, num_io_ops: 2 });
  consumeFromRequest(host, makeFlavor({ vcpus: 2, ram: 1024, disk: 5, ephemeral: 1, swap: 512 }));
  assert.deepEqual(
    [host.vcpus_used, host.memory_mb_used, host.free_ram_mb, host.local_gb_used, host.free_disk_mb, host.num_instances, host.num_io_ops],
    [2, 1024, 3072, 6, (40 - 6) * 1024, 1, 3],
  );
});
