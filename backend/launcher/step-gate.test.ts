import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepGate } from './step-gate.js';

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
