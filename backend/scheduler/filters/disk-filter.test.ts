import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskFilter } from './disk-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

test('passes a host with room for root, ephemeral and swap', () => {
  const spec = makeSpec({ flavor: { disk: 20, ephemeral: 10, swap: 512 } });
  assert.equal(verdictText(diskFilter.check(makeHost({ local_gb: 40, local_gb_used: 0 }), spec)), true);
});

test('rejects a host without room, counting swap in MB', () => {
  const spec = makeSpec({ flavor: { disk: 20, ephemeral: 0, swap: 1024 } });
  assert.equal(
    verdictText(diskFilter.check(makeHost({ local_gb: 40, local_gb_used: 20 }), spec)),
    '20480 MB usable disk < 21504 MB requested (root 20 GB + ephemeral 0 GB + swap 1024 MB; ' + '40960 MB × ratio 1.0 − 20480 MB used)',
  );
});

test('applies disk_allocation_ratio', () => {
  const spec = makeSpec({ flavor: { disk: 40 } });
  assert.equal(verdictText(diskFilter.check(makeHost({ local_gb: 40, local_gb_used: 20, disk_allocation_ratio: 2 }), spec)), true);
});

test('refuses an instance larger than the whole disk, whatever the ratio (Stein: no overcommit against itself)', () => {
  const spec = makeSpec({ flavor: { disk: 40, ephemeral: 0, swap: 512 } });
  assert.equal(
    verdictText(diskFilter.check(makeHost({ local_gb: 40, local_gb_used: 0, disk_allocation_ratio: 10 }), spec)),
    '41472 MB requested (root 40 GB + ephemeral 0 GB + swap 512 MB) > 40960 MB disk before overcommit ' +
      '(an instance may not overcommit against itself)',
  );
});

test('sets the disk_gb limit local_gb × ratio (Stein: host_state.limits)', () => {
  assert.deepEqual(diskFilter.limits!(makeHost({ local_gb: 40, disk_allocation_ratio: 1.5 }), makeSpec()), { disk_gb: 60 });
});
