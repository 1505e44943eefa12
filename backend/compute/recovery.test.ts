import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRecoveries } from './recovery.js';
import type { Instance } from '../../contract/model.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const inst = (uuid: string, o: Partial<Instance>): Instance =>
  ({
    uuid,
    host: 'host-a',
    vm_state: 'active',
    task_state: null,
    updated_at: new Date(T0).toISOString(),
    ...o,
  }) as Instance;
const at = (s: number, atStart = false) => ({
  now: T0 + s * 1000,
  atStart,
  abandonedAfterMs: 60_000,
  shelvedOffloadMs: 0,
});

test('at start: a build that was running goes to ERROR, one not yet begun is begun, a delete is finished, other tasks are cleared', () => {
  const mine = [
    inst('spawning', { vm_state: 'building', task_state: 'spawning' }),
    inst('placed', { vm_state: 'building', task_state: 'scheduling' }),
    inst('deleting', { task_state: 'deleting' }),
    inst('stopping', { task_state: 'powering-off' }),
    inst('fine', {}),
  ];
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(), at(1, true)), [
    {
      uuid: 'spawning',
      action: 'error',
      why: 'nova-compute on host-a stopped while building it',
    },
    { uuid: 'placed', action: 'build' },
    { uuid: 'deleting', action: 'terminate' },
    { uuid: 'stopping', action: 'clear-task', task: 'powering-off' },
  ]);
});

test('while running: only work abandoned for a minute and not in hand is recovered', () => {
  const mine = [
    inst('deleting', { task_state: 'deleting' }),
    inst('placed', { vm_state: 'building', task_state: 'scheduling' }),
    inst('busy', { task_state: 'deleting' }),
  ];
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(['busy']), at(30)), []);
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(['busy']), at(61)), [{ uuid: 'deleting', action: 'terminate' }]);
});

test("another host's instances and deleted ones are never touched", () => {
  const mine = [inst('x', { host: 'host-b', task_state: 'deleting' }), inst('y', { vm_state: 'deleted', task_state: 'deleting' })];
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(), at(600, true)), []);
});

test('a shelved instance is offloaded once shelved_offload_time has passed, at start or later; never when offload is off', () => {
  const shelvedAt = new Date(T0).toISOString();
  const mine = [
    inst('shelved', { vm_state: 'shelved', shelved_at: shelvedAt }),
    inst('offloading', { vm_state: 'shelved', task_state: 'shelving_offloading', shelved_at: shelvedAt }),
    inst('active', { shelved_at: null }),
  ];
  const clock = (s: number, offloadS: number, atStart = false) => ({ ...at(s, atStart), shelvedOffloadMs: offloadS * 1000 });
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(), clock(59, 60)), []);
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(), clock(60, 60)), [{ uuid: 'shelved', action: 'offload' }]);
  assert.deepEqual(computeRecoveries('host-a', mine.slice(0, 1), new Set(), clock(3600, 60, true)), [
    { uuid: 'shelved', action: 'offload' },
  ]);
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(), clock(3600, -1)), [], 'shelved_offload_time -1: never');
  assert.deepEqual(computeRecoveries('host-a', mine, new Set(['shelved']), clock(3600, 60)), [], 'not while in hand');
});
