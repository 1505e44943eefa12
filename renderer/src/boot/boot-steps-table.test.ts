// The step table is the walkthrough's single source: it covers the course's twelve steps in
// order, and the rpc messages it names map to exactly one step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOT_STEPS } from '../../../contract/boot-steps';
import type { LabEvent } from '../../../contract/events';
import { BOOT_STEP_TABLE, rpcStep } from './boot-steps-table';

const rpc = (topic: string, method: string): LabEvent => ({ seq: 1, ts: '', source: 't', kind: 'rpc.call', topic, method, summary: '' });

test('the table has one row per course step, in the course order', () => {
  assert.deepEqual(
    BOOT_STEP_TABLE.map((r) => r.id),
    [...BOOT_STEPS],
  );
});

test('rpc messages belong to the step that names them, and to none otherwise', () => {
  assert.equal(rpcStep(rpc('conductor', 'build_instances')), 'conductor.record');
  assert.equal(rpcStep(rpc('scheduler', 'select_destinations')), 'scheduler.call');
  assert.equal(rpcStep(rpc('compute.host-b', 'build_and_run_instance')), 'compute.cast');
  assert.equal(rpcStep(rpc('compute.host-b', 'stop_instance')), null);
  assert.equal(rpcStep(rpc('conductor', 'instance_get')), null);
});
