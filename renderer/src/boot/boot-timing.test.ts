// Step durations come from the lab's event timestamps alone: a step is timed by its own
// events (step and progress events, the rpc messages that name it, nova-api's HTTP record for
// step 3), from the earliest start a source reports to the latest event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabEvent } from '../../../contract/events';
import { durationParts, eventStart, stepSpan, timesStep } from './boot-timing';

const T0 = Date.parse('2026-12-07T13:47:14.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
let seq = 0;
const ev = (at: number, e: Partial<LabEvent> & Pick<LabEvent, 'kind'>): LabEvent => ({
  seq: ++seq,
  ts: iso(at),
  source: 'nova-api',
  summary: '',
  ctx: { request_id: 'req-1' },
  ...e,
});

const events: LabEvent[] = [
  ev(99, { kind: 'step', step: 'api.request', source: 'novalab' }),
  ev(100, { kind: 'step', step: 'api.policy', source: 'novalab' }),
  ev(151, { kind: 'rpc.call', topic: 'conductor', method: 'instance_create' }),
  ev(154, { kind: 'rpc.reply', topic: 'conductor', method: 'instance_create', source: 'nova-conductor' }),
  ev(156, { kind: 'rpc.cast', topic: 'conductor', method: 'build_instances' }),
  ev(162, { kind: 'http', detail: { method: 'POST', path: '/v2.1/servers', status: 202, started_at: iso(42) } }),
  ev(163, { kind: 'rpc.call', topic: 'scheduler', method: 'select_destinations', source: 'nova-conductor' }),
  ev(165, { kind: 'rpc.call', topic: 'conductor', method: 'host_states', source: 'nova-scheduler' }),
  ev(168, { kind: 'step', step: 'scheduler.decide', source: 'novalab' }),
  ev(178, { kind: 'step', step: 'scheduler.decide', source: 'nova-scheduler' }),
  ev(178, { kind: 'rpc.reply', topic: 'scheduler', method: 'select_destinations', source: 'nova-scheduler' }),
  ev(196, { kind: 'step', step: 'compute.image', source: 'novalab' }),
  ev(386, { kind: 'progress', step: 'compute.image', source: 'nova-compute@host-c', detail: { name: 'disk', started_at: iso(197) } }),
  ev(491, { kind: 'progress', step: 'compute.image', source: 'nova-compute@host-c', detail: { name: 'kernel', started_at: iso(197) } }),
  // A started_at after the event itself is not believed: the span never starts after its event.
  ev(500, { kind: 'step', step: 'compute.network', source: 'novalab', detail: { started_at: iso(900) } }),
];

test('step 3 runs from the HTTP request arriving at nova-api (its started_at) to the 202', () => {
  assert.deepEqual(stepSpan('api.request', events), { start: T0 + 42, end: T0 + 162, ms: 120 });
});

test('an rpc step runs from its call to its reply; nested calls of other steps do not count', () => {
  assert.deepEqual(stepSpan('scheduler.call', events), { start: T0 + 163, end: T0 + 178, ms: 15 });
  assert.equal(timesStep('scheduler.call', events[7]!), false, 'conductor.host_states names no step');
});

test('step 5 is timed by the conductor messages that name it, call to cast', () => {
  assert.deepEqual(stepSpan('conductor.record', events), { start: T0 + 151, end: T0 + 156, ms: 5 });
});

test('step 7 from its announcement to the scheduler choosing; step 11 from its announcement to the last image progress', () => {
  assert.deepEqual(stepSpan('scheduler.decide', events), { start: T0 + 168, end: T0 + 178, ms: 10 });
  assert.deepEqual(stepSpan('compute.image', events), { start: T0 + 196, end: T0 + 491, ms: 295 });
});

test('a step with a single event took under a millisecond; a step without events has no time', () => {
  assert.deepEqual(stepSpan('api.policy', events), { start: T0 + 100, end: T0 + 100, ms: 0 });
  assert.deepEqual(stepSpan('compute.network', events), { start: T0 + 500, end: T0 + 500, ms: 0 });
  assert.equal(stepSpan('api.poll', events), null);
  assert.equal(eventStart(events[14]!), T0 + 500);
});

test('durations: under 1 ms, whole milliseconds, then seconds with two decimals', () => {
  const cases: [number, ReturnType<typeof durationParts>][] = [
    [0, { unit: 'lt1ms', value: '1' }],
    [1, { unit: 'ms', value: '1' }],
    [312, { unit: 'ms', value: '312' }],
    [999, { unit: 'ms', value: '999' }],
    [1000, { unit: 's', value: '1.00' }],
    [12_345, { unit: 's', value: '12.35' }],
  ];
  for (const [ms, want] of cases) assert.deepEqual(durationParts(ms), want, String(ms));
});
