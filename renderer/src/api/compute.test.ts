import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionBody } from './compute';

test('the GUI sends each instance action with the body Nova expects', () => {
  const at = new Date('2026-12-07T11:22:33.456Z');
  assert.deepEqual(actionBody('createImage', 'vm1', at), { createImage: { name: 'vm1-snapshot-20261207T112233' } });
  assert.deepEqual(actionBody('shelve', 'vm1'), { shelve: null });
  assert.deepEqual(actionBody('unshelve', 'vm1'), { unshelve: null });
  assert.deepEqual(actionBody('reboot', 'vm1'), { reboot: { type: 'SOFT' } });
});
