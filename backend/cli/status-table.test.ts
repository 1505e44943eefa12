import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusRows } from './status-table.js';
import type { ServiceRow } from '../../contract/services.js';
import { processFixture } from '../shared/testing/model-fixtures.js';

const proc = processFixture({ pid: 42 });
const row = { binary: 'nova-compute', host: 'host-a', zone: 'nova', status: 'enabled', state: 'up', updated_at: 'x' } as ServiceRow;

test('`novalab status` says what the GUI says: a running but frozen nova-compute is down', () => {
  const [r] = statusRows([proc], [row], [{ binary: 'nova-compute', host: 'host-a', state: 'down', reason: 'no_heartbeat', params: {} }]);
  assert.equal(r!.state, 'down');
  assert.equal(r!.process, 'running');
});

test('without the lab health (an older lab), the heartbeat record decides as before', () => {
  assert.equal(statusRows([proc], [row])[0]!.state, 'up');
  assert.equal(statusRows([proc], [{ ...row, state: 'down' }])[0]!.state, 'down');
});
