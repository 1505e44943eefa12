import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveAllowed, moveBody } from './move-actions';

test('resize and migrate from ACTIVE or SHUTOFF; confirm and revert only in VERIFY_RESIZE', () => {
  assert.equal(moveAllowed('resize', 'ACTIVE'), true);
  assert.equal(moveAllowed('migrate', 'SHUTOFF'), true);
  assert.equal(moveAllowed('resize', 'PAUSED'), false);
  assert.equal(moveAllowed('confirmResize', 'VERIFY_RESIZE'), true);
  assert.equal(moveAllowed('revertResize', 'ACTIVE'), false);
});

test('the action bodies Nova expects', () => {
  assert.deepEqual(moveBody('resize', '2'), { resize: { flavorRef: '2' } });
  assert.deepEqual(moveBody('confirmResize', null), { confirmResize: null });
  assert.deepEqual(moveBody('migrate', null), { migrate: null });
});
