// Shelve offload on a compute host, with the fake driver and a conductor that keeps one
// record: the guest is destroyed and the host freed; with shelved_offload_time > 0 the offload
// waits, and only for an instance still shelved with no task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { Instance, InstanceActionEvent } from '../../contract/model.js';
import type { ConductorApi, InstanceExpect, InstancePatch } from '../rpc/conductor-api.js';
import type { ComputeContext } from './compute-context.js';
import { FakeDriver } from './drivers/fake/fake-driver.js';
import { instanceFixture } from '../shared/testing/model-fixtures.js';
import { createLogger } from '../common/log.js';
import { shelveOffloadInstance } from './shelve.js';
import { offloadLater } from './shelve-offload-timer.js';
import type { GuestSpec } from './driver.js';

async function setup(rec: Partial<Instance>, offloadSeconds: number) {
  const driver = new FakeDriver();
  await driver.init({ host: 'host-a', instancesDir: fs.mkdtempSync(path.join(os.tmpdir(), 'shelve-test-')) });
  const inst = instanceFixture({ host: 'host-a', node: 'host-a', requested_az: null, ...rec });
  await driver.spawn({ uuid: inst.uuid, image: { disk: '/dev/null', diskFormat: 'raw' } } as unknown as GuestSpec);
  await driver.powerOff(inst.uuid);
  const events: Partial<InstanceActionEvent>[] = [];
  const conductor = {
    instance_get: async () => inst,
    instance_update: async (_u: string, patch: InstancePatch, expect?: InstanceExpect) => {
      if (expect?.vm_state && !expect.vm_state.includes(inst.vm_state)) throw new Error('UnexpectedVmState');
      if (expect?.task_state && !expect.task_state.includes(inst.task_state)) throw new Error('UnexpectedTaskState');
      return Object.assign(inst, patch);
    },
    action_event_start: async () => undefined,
    action_event_finish: async (_u: string, _r: string, event: string, result: 'Success' | 'Error') => {
      events.push({ event, result });
    },
  } as unknown as ConductorApi;
  const c = {
    host: 'host-a',
    driver,
    conductor,
    shelvedOffloadTime: offloadSeconds,
    deleteConsoleTokensCast: () => undefined,
    log: createLogger('test', () => undefined),
  } as unknown as ComputeContext;
  return { c, inst, driver, events };
}

test('offload destroys the guest and frees the host: SHELVED_OFFLOADED, no host, no task', async () => {
  const { c, inst, driver, events } = await setup({ vm_state: 'shelved', task_state: 'shelving_offloading' }, 0);
  await shelveOffloadInstance(c, inst.uuid);
  assert.equal(inst.vm_state, 'shelved_offloaded');
  assert.equal(inst.task_state, null);
  assert.equal(inst.host, null);
  assert.equal(inst.node, null);
  assert.equal(await driver.getPowerState(inst.uuid), 'nostate', 'the guest is gone from the host');
  assert.deepEqual(events, [{ event: 'compute_shelve_offload_instance', result: 'Success' }]);
});

test('shelved_offload_time > 0: offloaded after the wait, unless unshelved meanwhile', async () => {
  const later = await setup({ vm_state: 'shelved', task_state: null }, 0.05);
  offloadLater(later.c, later.inst.uuid);
  assert.equal(later.inst.vm_state, 'shelved', 'not at once');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(later.inst.vm_state, 'shelved_offloaded');

  const back = await setup({ vm_state: 'shelved', task_state: null }, 0.05);
  offloadLater(back.c, back.inst.uuid);
  back.inst.task_state = 'unshelving';
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(back.inst.vm_state, 'shelved', 'an unshelve in progress is not offloaded under it');
  assert.equal(back.inst.host, 'host-a');
});
