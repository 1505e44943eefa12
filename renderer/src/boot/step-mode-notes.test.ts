// Step mode's words: the place a request is held, the banner for a request that ended, and
// the notes where the lab's order differs from the course's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hold, HoldPlace } from '../../../contract/lab-api';
import type { BootStepId } from '../../../contract/boot-steps';
import type { StepView } from './boot-model';
import { bannerState, heldBy, heldLine, orderNotes, placeText } from './step-mode-notes';

const place = (over: Partial<HoldPlace> = {}): HoldPlace => ({ service: 'nova-conductor', host: null, pid: 4242, worker: null, ...over });
const hold = (step: BootStepId, detail?: unknown, holder: HoldPlace | null = place()): Hold => ({
  id: 1,
  since: '',
  ctx: { request_id: 'req-1' },
  announcement: { step, summary: '', detail },
  holder,
});
const step = (n: number, status: StepView['status']): StepView =>
  ({
    id: 'scheduler.decide',
    n,
    status,
    summary: null,
    message: null,
    fault: null,
    events: [],
    hold: null,
    local: null,
    span: null,
    labMessage: null,
    faultMessage: null,
  }) as StepView;
const keys = (notes: { key: string }[]) => notes.map((n) => n.key);

test('the place names the service, the host of a nova-compute and a nova-api worker, with the pid', () => {
  assert.deepEqual(placeText(place()), { key: 'stepMode.place.service', params: { service: 'nova-conductor', pid: 4242 } });
  assert.equal(placeText(place({ service: 'nova-compute', host: 'host-b' })).params?.host, 'host-b');
  const w = placeText(place({ service: 'nova-api', worker: { role: 'osapi_compute', index: 1 } }));
  assert.equal(w.key, 'stepMode.place.worker');
  assert.deepEqual(w.params, { service: 'nova-api', role: 'osapi_compute', index: 1, pid: 4242 });
  assert.deepEqual(heldLine(hold('scheduler.call'), 'X'), { key: 'stepMode.heldIn', params: { n: 6, step: 'scheduler.call', place: 'X' } });
  assert.equal(heldLine(hold('scheduler.call', undefined, null), null).key, 'stepMode.heldStep');
  const consoleHold = { ...hold('api.request'), announcement: { step: 'api.compute_call' as const, summary: '' } };
  assert.deepEqual(heldLine(consoleHold, 'X'), { key: 'stepMode.heldConsoleIn', params: { n: 3, step: 'api.compute_call', place: 'X' } });
});

test('the banner says a request ended (and where it failed) instead of waiting for a step that never comes', () => {
  assert.deepEqual(bannerState(true, [], [step(6, 'done'), step(7, 'error')], 'ERROR'), { kind: 'ended', status: 'ERROR', step: 7 });
  assert.deepEqual(bannerState(true, [], [step(7, 'done')], 'ACTIVE'), { kind: 'ended', status: 'ACTIVE', step: null });
  assert.deepEqual(bannerState(true, [], [step(7, 'active')], null), { kind: 'waiting' });
  assert.deepEqual(bannerState(false, [], null, null), { kind: 'off' });
  assert.deepEqual(bannerState(false, [], [step(7, 'error')], 'ERROR'), { kind: 'off' }, 'with step mode off it says so, not "stays on"');
  const h = hold('compute.network');
  assert.deepEqual(bannerState(true, [h], [step(7, 'done')], null), { kind: 'held', hold: h });
});

test('steps 10 and 11: the image is fetched inside step 10, said on both cards', () => {
  assert.deepEqual(keys(orderNotes('compute.driver', hold('compute.driver'), [])), [
    'stepMode.order.driverBegins',
    'stepMode.order.pollingMeanwhile',
  ]);
  const eleven = hold('compute.image');
  assert.ok(keys(orderNotes('compute.image', eleven, [eleven])).includes('stepMode.order.imageInsideDriver'));
  assert.deepEqual(keys(orderNotes('compute.driver', null, [eleven])), ['stepMode.order.driverWaitsForImage']);
  assert.deepEqual(orderNotes('compute.driver', null, []), []);
});

test('a retry, several instances, the record through the conductor and the unheld identity steps are told', () => {
  const retry = hold('scheduler.call', { request_spec: { retry: { num_attempts: 2, hosts: ['host-a'] } }, instance_uuids: ['a', 'b'] });
  const notes = orderNotes('scheduler.call', retry, [retry]);
  assert.deepEqual(keys(notes), ['stepMode.order.retry', 'stepMode.order.together', 'stepMode.order.pollingMeanwhile']);
  assert.deepEqual(notes[0]!.params, { attempt: 2, hosts: 'host-a' });
  assert.deepEqual(notes[1]!.params, { count: 2 });
  assert.deepEqual(keys(orderNotes('scheduler.call', hold('scheduler.call', { request_spec: { retry: { num_attempts: 1 } } }), [])), [
    'stepMode.order.pollingMeanwhile',
  ]);
  assert.deepEqual(keys(orderNotes('conductor.record', hold('conductor.record'), [])), ['stepMode.order.recordViaConductor']);
  assert.deepEqual(keys(orderNotes('api.request', hold('api.request'), [])), ['stepMode.order.signedIn']);
});

test('the architecture view highlights the process that holds, matching a nova-compute by its host', () => {
  const h = hold('compute.network', undefined, place({ service: 'nova-compute', host: 'host-b', pid: 9 }));
  assert.deepEqual(heldBy([h], { binary: 'nova-compute', host: 'host-b' }), [{ id: 1, key: 'stepMode.map.holding', n: 9, pid: 9 }]);
  assert.deepEqual(heldBy([h], { binary: 'nova-compute', host: 'host-a' }), []);
  assert.deepEqual(heldBy([hold('scheduler.call')], { binary: 'nova-conductor', host: 'novalab' }), [
    { id: 1, key: 'stepMode.map.holding', n: 6, pid: 4242 },
  ]);
});
