import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeDownRefusal, settledVmState } from './resize.js';
import { grownSize } from './drivers/qemu/migrate-files.js';
import { flavorFixture } from '../shared/testing/model-fixtures.js';

test('a smaller root disk is refused as Nova libvirt refuses it; equal or larger is fine', () => {
  const f = (disk: number) => flavorFixture({ disk });
  assert.equal(resizeDownRefusal({ old_flavor: f(2), new_flavor: f(1) }), 'Resize error: Unable to resize disk down.');
  assert.equal(resizeDownRefusal({ old_flavor: f(2), new_flavor: f(2) }), null);
  assert.equal(resizeDownRefusal({ old_flavor: f(1), new_flavor: f(5) }), null);
});

test('a stopped guest stays stopped; any other comes back active', () => {
  assert.equal(settledVmState({ old_vm_state: 'stopped' }), 'stopped');
  assert.equal(settledVmState({ old_vm_state: 'active' }), 'active');
});

test('the disk grows to the flavor root disk, never shrinks', () => {
  const GiB = 1024 ** 3;
  assert.equal(grownSize(GiB, 2), 2 * GiB);
  assert.equal(grownSize(2 * GiB, 1), null);
  assert.equal(grownSize(2 * GiB, 2), null);
});

test('a move found at start: rolled back before the hand-over, ERROR after it', async () => {
  const { moveRecovery } = await import('./resize-recovery.js');
  assert.equal(moveRecovery('resize_prep'), 'roll-back');
  assert.equal(moveRecovery('resize_migrating'), 'roll-back');
  assert.equal(moveRecovery('resize_finish'), 'error');
  assert.equal(moveRecovery('resize_reverting'), 'error');
  assert.equal(moveRecovery('rebooting'), null);
});
