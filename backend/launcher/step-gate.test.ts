import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepGate, holdPlace, type HoldCaller } from './step-gate.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
};

test('with step mode off, a step passes at once', async () => {
  const gate = new StepGate();
  assert.equal(await settled(gate.pass({ step: 'scheduler.call', summary: '' }, {})), true);
});

test('with step mode on, a step is held until Next, oldest first', async () => {
  const gate = new StepGate();
  gate.setStepMode(true);
  const a = gate.pass({ step: 'scheduler.call', summary: 'a' }, { request_id: 'req-1' });
  const b = gate.pass({ step: 'compute.cast', summary: 'b' }, { request_id: 'req-2' });
  assert.equal(await settled(a), false);
  assert.equal(gate.holds().length, 2);
  assert.equal(gate.next('req-2')?.announcement.summary, 'b');
  assert.equal(await settled(b), true);
  assert.equal(await settled(a), false);
  gate.setStepMode(false); // Continue releases everything
  assert.equal(await settled(a), true);
  assert.equal(gate.holds().length, 0);
});

test("a client's status poll is never held", async () => {
  const gate = new StepGate();
  gate.setStepMode(true);
  assert.equal(await settled(gate.pass({ step: 'api.poll', summary: '' }, {})), true);
});

const caller = (over: Partial<HoldCaller> = {}): HoldCaller => ({
  clientId: 'c7',
  name: 'nova-conductor',
  pid: 4242,
  worker: null,
  timeoutMs: 60_000,
  ...over,
});

test('a hold names the process that waits: service, host of a nova-compute, pid, nova-api worker', () => {
  assert.deepEqual(holdPlace(caller()), { service: 'nova-conductor', host: null, pid: 4242, worker: null });
  assert.deepEqual(holdPlace(caller({ name: 'nova-compute@host-b', pid: 17 })), {
    service: 'nova-compute',
    host: 'host-b',
    pid: 17,
    worker: null,
  });
  const w = { role: 'osapi_compute', index: 1 };
  assert.deepEqual(holdPlace(caller({ name: 'nova-api', worker: w })).worker, w);
  const gate = new StepGate();
  gate.setStepMode(true);
  void gate.pass({ step: 'scheduler.call', summary: '' }, { request_id: 'r' }, caller());
  assert.equal(gate.holds()[0]!.holder?.pid, 4242);
});

test('a hold whose process went away is dropped, and the change is told', async () => {
  const told: number[] = [];
  const gate = new StepGate((holds) => told.push(holds.length));
  gate.setStepMode(true);
  const gone = gate.pass({ step: 'compute.network', summary: '' }, { request_id: 'r1' }, caller({ clientId: 'c1' }));
  const stays = gate.pass({ step: 'scheduler.call', summary: '' }, { request_id: 'r2' }, caller({ clientId: 'c2' }));
  gate.callerGone('c1');
  assert.equal(await settled(gone), true);
  assert.equal(await gone, false, 'the step of a gone caller does not happen');
  assert.equal(await settled(stays), false);
  assert.deepEqual(
    gate.holds().map((h) => h.ctx.request_id),
    ['r2'],
  );
  assert.equal(told[told.length - 1], 1);
  gate.setStepMode(false);
});

test('a hold ends when its caller stops waiting (its own timeout)', async () => {
  const gate = new StepGate();
  gate.setStepMode(true);
  const p = gate.pass({ step: 'compute.image', summary: '' }, { request_id: 'r' }, caller({ timeoutMs: 20 }));
  assert.equal(gate.holds().length, 1);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(await settled(p), true);
  assert.equal(await p, true);
  assert.equal(gate.holds().length, 0);
});
