import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabEvent } from '../../contract/events.js';
import { eventFor, eventsFor, holdsFor, type Viewer } from './event-scope.js';
import type { Hold } from './step-gate.js';

const demo: Viewer = { admin: false, project_id: 'p-demo' };
const admin: Viewer = { admin: true, project_id: 'p-admin' };
let seq = 0;
const ev = (kind: LabEvent['kind'], project?: string, detail?: unknown): LabEvent => ({
  seq: ++seq,
  ts: 't',
  kind,
  source: 's',
  summary: kind,
  ctx: project ? { request_id: `req-${seq}`, project_id: project } : undefined,
  detail,
});
const hold = (id: number, project?: string): Hold => ({
  id,
  since: 't',
  ctx: { request_id: `req-h${id}`, project_id: project },
  announcement: { step: 'api.request', summary: 's' },
  holder: { service: 'nova-api', host: null, pid: 100 + id, worker: { role: 'osapi_compute', index: 0 } },
});

test("a member sees its own project's events, the scheduler's explanation included, and never another project's", () => {
  const mine = [ev('http', 'p-demo'), ev('step', 'p-demo', { filters: [] }), ev('rpc.reply', 'p-demo')];
  const theirs = [ev('http', 'p-admin'), ev('rpc.call', 'p-admin'), ev('progress', 'p-admin'), ev('service', 'p-admin')];
  assert.deepEqual(eventsFor(demo, [...mine, ...theirs]), mine);
});

test("without a project: the lab's service events for everyone, anything else for admin only", () => {
  const service = ev('service');
  const periodic = ev('rpc.call');
  const reply = ev('rpc.reply');
  assert.deepEqual(eventsFor(demo, [service, periodic, reply]), [service]);
  assert.deepEqual(eventsFor(admin, [service, periodic, reply]), [service, periodic, reply]);
});

test("admin sees every project's events", () => {
  const all = [ev('http', 'p-demo'), ev('http', 'p-admin'), ev('step')];
  assert.deepEqual(eventsFor(admin, all), all);
});

test("step mode's summary of holds: a member's copy lists only its own project's holds", () => {
  const e = ev('hold', undefined, { enabled: true, holds: [hold(1, 'p-demo'), hold(2, 'p-admin'), hold(3)] });
  const seen = eventFor(demo, e)!;
  assert.deepEqual(
    (seen.detail as { holds: Hold[] }).holds.map((h) => h.id),
    [1],
  );
  assert.equal(seen.summary, '1 step held');
  assert.deepEqual(seen.message, { code: 'event.stepsHeld', params: { count: 1 } });
  assert.equal((eventFor(admin, e)!.detail as { holds: Hold[] }).holds.length, 3);
  assert.deepEqual(
    holdsFor(demo, [hold(4, 'p-admin'), hold(5, 'p-demo')]).map((h) => h.id),
    [5],
  );
});
