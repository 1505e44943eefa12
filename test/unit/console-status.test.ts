// The console picker offers only servers whose console the API will open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleCanOpen } from '../../contract/console-status.js';

test('ACTIVE and PAUSED servers have a console; ERROR, SHUTOFF, BUILD and the rest do not', () => {
  assert.deepEqual(['ACTIVE', 'PAUSED', 'ERROR', 'SHUTOFF', 'BUILD', 'SUSPENDED', 'SHELVED_OFFLOADED', 'DELETED'].filter(consoleCanOpen), [
    'ACTIVE',
    'PAUSED',
  ]);
});
