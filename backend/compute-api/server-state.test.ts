import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HARD_REBOOT, invalidStateMessage, SERVER_ACTIONS, serverStatus, SOFT_REBOOT } from './server-state.js';

test('status is derived from vm_state and task_state as Nova does', () => {
  const cases: [Parameters<typeof serverStatus>, string][] = [
    [['building', 'scheduling'], 'BUILD'],
    [['building', 'spawning'], 'BUILD'],
    [['active', null], 'ACTIVE'],
    [['active', 'powering-off'], 'ACTIVE'],
    [['active', 'deleting'], 'ACTIVE'],
    [['active', 'rebooting'], 'REBOOT'],
    [['active', 'reboot_started'], 'REBOOT'],
    [['active', 'rebooting_hard'], 'HARD_REBOOT'],
    [['active', 'reboot_pending_hard'], 'HARD_REBOOT'],
    [['active', 'pausing'], 'ACTIVE'],
    [['stopped', null], 'SHUTOFF'],
    [['stopped', 'powering-on'], 'SHUTOFF'],
    [['paused', null], 'PAUSED'],
    [['paused', 'unpausing'], 'PAUSED'],
    [['suspended', null], 'SUSPENDED'],
    [['error', null], 'ERROR'],
    [['deleted', null], 'DELETED'],
    [['active', 'rebuilding'], 'REBUILD'],
    [['active', 'rebuild_spawning'], 'REBUILD'],
    [['stopped', 'rebuild_block_device_mapping'], 'REBUILD'],
    [['error', 'rebuild_spawning'], 'REBUILD'],
    [['active', 'rescuing'], 'ACTIVE'],
    [['rescued', null], 'RESCUE'],
    [['rescued', 'unrescuing'], 'RESCUE'],
  ];
  for (const [[vm, task], want] of cases) assert.equal(serverStatus(vm, task), want, `${vm}/${task}`);
});

test("an action in the wrong vm_state gets Nova's conflict message", () => {
  assert.equal(
    invalidStateMessage(SERVER_ACTIONS.pause!, 'u1', 'paused', null),
    "Cannot 'pause' instance u1 while it is in vm_state paused",
  );
  assert.equal(
    invalidStateMessage(SERVER_ACTIONS['os-start']!, 'u1', 'active', null),
    "Cannot 'start' instance u1 while it is in vm_state active",
  );
  assert.equal(
    invalidStateMessage(SERVER_ACTIONS['os-stop']!, 'u1', 'active', 'pausing'),
    "Cannot 'stop' instance u1 while it is in task_state pausing",
  );
  assert.equal(invalidStateMessage(SERVER_ACTIONS.resume!, 'u1', 'suspended', null), null);
});

test('a soft reboot needs a running server; a hard one also takes stopped, paused and error ones', () => {
  assert.notEqual(invalidStateMessage(SOFT_REBOOT, 'u', 'stopped', null), null);
  for (const vm of ['active', 'stopped', 'paused', 'suspended', 'error'] as const)
    assert.equal(invalidStateMessage(HARD_REBOOT, 'u', vm, null), null, vm);
  assert.equal(invalidStateMessage(HARD_REBOOT, 'u', 'active', 'rebooting'), null);
});

test('each action sets the task_state Nova sets and casts the matching compute method', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(SERVER_ACTIONS).map(([k, a]) => [k, [a.taskState, a.compute]])), {
    'os-stop': ['powering-off', 'stop_instance'],
    'os-start': ['powering-on', 'start_instance'],
    pause: ['pausing', 'pause_instance'],
    unpause: ['unpausing', 'unpause_instance'],
    suspend: ['suspending', 'suspend_instance'],
    resume: ['resuming', 'resume_instance'],
  });
});
