import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceHealth } from './service-health.js';
import type { ServiceRecord } from '../../contract/services.js';
import { processFixture, serviceFixture } from './testing/model-fixtures.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DOWN_TIME = 5;

const proc = processFixture;

const rec = (secondsAgo: number, r: Partial<ServiceRecord> = {}): ServiceRecord =>
  serviceFixture({ updated_at: new Date(NOW - secondsAgo * 1000).toISOString(), created_at: new Date(NOW - 3600_000).toISOString(), ...r });

test('a running process with a fresh heartbeat is up', () => {
  const h = serviceHealth(proc(), [rec(2)], NOW, DOWN_TIME);
  assert.deepEqual([h.state, h.reason, h.params], ['up', 'heartbeat', { age_s: 2 }]);
});

test('a running process whose heartbeat is older than service_down_time is down (frozen: SIGSTOP)', () => {
  const h = serviceHealth(proc(), [rec(12)], NOW, DOWN_TIME);
  assert.deepEqual([h.state, h.reason, h.params], ['down', 'no_heartbeat', { age_s: 12, down_time_s: DOWN_TIME }]);
});

test('a dead process is not up, though its last heartbeat is still fresh', () => {
  const h = serviceHealth(
    proc({ state: 'restarting', pid: null, lastExit: { code: null, signal: 'SIGKILL', at: '' } }),
    [rec(1)],
    NOW,
    DOWN_TIME,
  );
  assert.deepEqual([h.state, h.reason, h.params], ['restarting', 'restarting', { signal: 'SIGKILL', code: '' }]);
  const f = serviceHealth(proc({ state: 'failing', failures: 3, lastExit: { code: 1, signal: null, at: '' } }), [rec(1)], NOW, DOWN_TIME);
  assert.deepEqual([f.state, f.params], ['failing', { signal: '', code: 1, failures: 3 }]);
  assert.equal(serviceHealth(proc({ state: 'stopped' }), [rec(1)], NOW, DOWN_TIME).state, 'stopped');
});

test('forced down is down, whatever the heartbeat', () => {
  assert.deepEqual(serviceHealth(proc(), [rec(0, { forced_down: true })], NOW, DOWN_TIME).reason, 'forced_down');
});

test('a service without a heartbeat (keystone) is up while its process runs', () => {
  const h = serviceHealth(proc({ binary: 'keystone', host: 'novalab' }), [], NOW, DOWN_TIME);
  assert.deepEqual([h.state, h.reason], ['up', 'running']);
});

test('heartbeats that could not be read (conductor silent) make a heartbeat service unknown, not up', () => {
  assert.equal(serviceHealth(proc({ binary: 'nova-scheduler', host: 'novalab' }), null, NOW, DOWN_TIME).state, 'unknown');
  assert.equal(serviceHealth(proc({ binary: 'keystone', host: 'novalab' }), null, NOW, DOWN_TIME).state, 'up');
});

test('the record of another host does not count; none yet is still starting', () => {
  const h = serviceHealth(proc(), [rec(1, { host: 'host-b' })], NOW, DOWN_TIME);
  assert.deepEqual([h.state, h.reason], ['starting', 'not_registered']);
});
