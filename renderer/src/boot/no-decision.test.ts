// When a boot has no decision to open: the walkthrough states why instead of linking to an empty page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabEvent } from '../../../contract/events';
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { ServiceLifeDetail } from '../../../contract/service-health';
import { noDecision, type NoDecisionInput } from './no-decision';
import { bootOutcome, savedBootTrace } from './boot-model';

const REQ = 'req-1';
const ctx = { request_id: REQ, instance_uuid: 'u-1' };
const at = (i: number) => new Date(1_800_000_000_000 + i * 1000).toISOString();
const ev = (seq: number, e: Omit<LabEvent, 'seq' | 'ts' | 'source'>): LabEvent => ({ seq, ts: at(seq), source: 'test', ...e });

const asked = ev(3, { kind: 'step', step: 'scheduler.call', ctx, summary: 'rpc.call scheduler.select_destinations' });
// What the supervisor sends when a service process ends (backend/launcher/supervisor.ts).
const crash: ServiceLifeDetail = {
  event: 'crash',
  binary: 'nova-scheduler',
  host: 'lab',
  pid: 8,
  restarts: 0,
  exit: { signal: 'SIGKILL', code: null },
  plan: { action: 'restart', delay_ms: 0, next_try_at: at(4), failures: 1 },
};
const died = ev(4, { kind: 'service', summary: 'nova-scheduler died (code null, signal SIGKILL)', detail: crash });
const back = ev(5, {
  kind: 'service',
  summary: 'nova-scheduler is back (pid 9)',
  detail: { event: 'back', binary: 'nova-scheduler', host: 'lab', pid: 9, restarts: 1 } satisfies ServiceLifeDetail,
});
const fault = 'Build of instance u-1 failed: nova-scheduler went away while handling scheduler.select_destinations';
const base: NoDecisionInput = {
  trace: null,
  saved: [],
  requestEvents: [ev(1, { kind: 'step', step: 'api.request', ctx, summary: 'POST' }), asked],
  allEvents: [],
  finished: 'ERROR',
  fault,
  faultAt: at(6),
};

test('nova-scheduler died while the request waited: that is the reason, with how often and its last signal', () => {
  assert.deepEqual(noDecision({ ...base, allEvents: [asked, died, back, later] }), {
    reason: 'scheduler_died',
    deaths: 1,
    signal: 'SIGKILL',
    code: null,
    at: at(4),
  });
  const again = { ...died, seq: 5, ts: at(5), detail: { ...crash, pid: 9, exit: { signal: null, code: 1 } } };
  assert.deepEqual(noDecision({ ...base, allEvents: [asked, died, back, again, later] }), {
    reason: 'scheduler_died',
    deaths: 2,
    signal: null,
    code: 1,
    at: at(5),
  });
});

const later = ev(7, { kind: 'http', summary: 'GET /servers/u-1' });

test('a failed try to start nova-scheduler, or another service dying, is not a death of the one asked', () => {
  const startFailed = { ...died, detail: { ...crash, event: 'start_failed', pid: null } };
  const conductor = { ...died, detail: { ...crash, binary: 'nova-conductor' } };
  assert.deepEqual(noDecision({ ...base, allEvents: [asked, startFailed, conductor, later] }), { reason: 'fault', fault });
});

test('until the events have caught up with the fault, only what the fault says', () => {
  assert.deepEqual(noDecision({ ...base, allEvents: [asked, died] }), { reason: 'fault', fault });
  assert.deepEqual(noDecision({ ...base, requestEvents: [base.requestEvents[0]!], allEvents: [] }), { reason: 'fault', fault });
});

test("a death before the request asked, or after its fault, is not this request's reason", () => {
  const early = { ...died, seq: 2, ts: at(2) };
  assert.deepEqual(noDecision({ ...base, allEvents: [early, asked, later] }), { reason: 'fault', fault });
  assert.deepEqual(noDecision({ ...base, allEvents: [asked, later, { ...died, seq: 8, ts: at(9) }] }), { reason: 'fault', fault });
});

test('a decision to open, a boot still running, or traces not loaded yet: nothing is claimed', () => {
  const trace = { request_id: REQ, chosen: null } as unknown as ScheduleTrace;
  assert.equal(noDecision({ ...base, trace }), null);
  assert.equal(noDecision({ ...base, finished: null }), null);
  assert.equal(noDecision({ ...base, saved: null }), null);
});

test('failed before nova-scheduler was asked; or ended ACTIVE with the decision no longer kept', () => {
  assert.deepEqual(noDecision({ ...base, requestEvents: [base.requestEvents[0]!], allEvents: [later] }), { reason: 'not_reached' });
  assert.deepEqual(noDecision({ ...base, finished: 'ACTIVE' }), { reason: 'not_kept' });
});

test("the boot's outcome from the instance's status now", () => {
  assert.equal(bootOutcome('BUILD'), null);
  assert.equal(bootOutcome(undefined), null);
  assert.equal(bootOutcome('ERROR'), 'ERROR');
  for (const s of ['ACTIVE', 'SHUTOFF', 'VERIFY_RESIZE', 'SHELVED_OFFLOADED']) assert.equal(bootOutcome(s), 'ACTIVE');
});

test("a boot's saved decision: the last attempt of its request, never a later resize's", () => {
  const t = (attempt: number, kind?: string, request_id = REQ) => ({ request_id, attempt, kind, started_at: at(attempt) }) as ScheduleTrace;
  assert.equal(savedBootTrace([t(1), t(2), t(3, 'resize', 'req-2')], REQ)?.attempt, 2);
  assert.equal(savedBootTrace([t(3, 'resize', 'req-2')], REQ), null);
  assert.equal(savedBootTrace([t(1)], null), null);
});
