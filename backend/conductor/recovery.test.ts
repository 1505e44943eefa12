import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conductorRecoveries } from './recovery.js';
import type { Instance } from '../../contract/model.js';
import type { RequestSpec } from '../../contract/scheduler.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const inst = (uuid: string, o: Partial<Instance>): Instance =>
  ({
    uuid,
    vm_state: 'building',
    task_state: 'scheduling',
    host: null,
    updated_at: new Date(T0).toISOString(),
    ...o,
  }) as Instance;
const spec = { instance_uuid: 'x' } as RequestSpec;
const at = (s: number, atStart = false) => ({
  now: T0 + s * 1000,
  atStart,
  abandonedAfterMs: 60_000,
});

test('at start, a build being scheduled when the conductor died is scheduled again', () => {
  const r = conductorRecoveries([inst('a', {})], { a: spec }, new Set(), at(1, true));
  assert.deepEqual(r, [{ uuid: 'a', action: 'reschedule', spec }]);
  assert.deepEqual(conductorRecoveries([inst('a', {})], { a: spec }, new Set(), at(1)), [], 'not while running: it may be in progress');
});

test('a build this conductor is scheduling now is left alone', () => {
  assert.deepEqual(conductorRecoveries([inst('a', {})], { a: spec }, new Set(['a']), at(600, true)), []);
});

test('at start, a build placed on a host but not yet taken by it is cast again', () => {
  const r = conductorRecoveries(
    [inst('a', { host: 'host-a' }), inst('b', { host: 'host-b', task_state: 'spawning' })],
    { a: spec },
    new Set(),
    at(1, true),
  );
  assert.deepEqual(r, [{ uuid: 'a', action: 'recast', host: 'host-a' }], "one its compute is building is the compute's to recover");
});

test('an instance nova-api never handed over goes to ERROR once it has waited a minute', () => {
  assert.deepEqual(conductorRecoveries([inst('a', {})], {}, new Set(), at(30)), []);
  const [r] = conductorRecoveries([inst('a', {})], {}, new Set(), at(61));
  assert.equal(r?.action, 'error');
  assert.match((r as { why: string }).why, /nova-api stopped before it asked the conductor/);
});

test("a delete nova-api began on an instance with no host is finished once abandoned; a host's delete is its compute's", () => {
  const gone = inst('a', { vm_state: 'error', task_state: 'deleting' });
  const placed = inst('b', {
    vm_state: 'active',
    task_state: 'deleting',
    host: 'host-a',
  });
  assert.deepEqual(conductorRecoveries([gone, placed], {}, new Set(), at(10)), []);
  assert.deepEqual(conductorRecoveries([gone, placed], {}, new Set(), at(61)), [{ uuid: 'a', action: 'destroy' }]);
});

test('settled and deleted instances are never touched', () => {
  const list = [
    inst('a', { vm_state: 'active', task_state: null, host: 'h' }),
    inst('b', { vm_state: 'deleted', task_state: null }),
    inst('c', { vm_state: 'error', task_state: null }),
  ];
  assert.deepEqual(conductorRecoveries(list, {}, new Set(), at(6000, true)), []);
});

test('an unshelve lost with a process: once abandoned, the task is cleared and the instance stays offloaded', () => {
  const i = inst('u', { vm_state: 'shelved_offloaded', task_state: 'unshelving', host: null });
  assert.deepEqual(conductorRecoveries([i], {}, new Set(), at(1)), [], 'not while it may be in progress');
  assert.deepEqual(conductorRecoveries([i], {}, new Set(), at(61)), [{ uuid: 'u', action: 'clear-task' }]);
  const placed = inst('p', { vm_state: 'shelved_offloaded', task_state: 'unshelving', host: 'h' });
  assert.deepEqual(conductorRecoveries([placed], {}, new Set(), at(61)), [], "placed: the host's nova-compute has it");
});
