import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskAvailableLeast } from './disk-available-least.js';

const flavor = (disk: number, ephemeral = 0, swap = 0) => ({ vcpus: 1, ram: 512, disk, ephemeral, swap });
const GIB = 1024 ** 3;

test('the fake driver reports the topology disk minus what its instances use', () => {
  assert.equal(diskAvailableLeast(40, [], null), 40);
  // root + ephemeral, as the host state counts used disk (swap is not counted).
  assert.equal(diskAvailableLeast(40, [flavor(10), flavor(5, 5, 512)], null), 40 - 10 - 10);
});

test('the QEMU driver reports the free space of the instances directory minus the disks its overlays may still fill', () => {
  assert.equal(diskAvailableLeast(40, [flavor(10)], 25.7 * GIB), 15);
  assert.equal(diskAvailableLeast(40, [flavor(20), flavor(20)], 30 * GIB), 0, 'never below 0');
});
