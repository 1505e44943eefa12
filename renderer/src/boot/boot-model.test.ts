// The boot walkthrough's model: the twelve steps of one request, from the lab's events as the
// backend publishes them (here for a launch by another client, e.g. the openstack CLI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabEvent, RequestContext } from '../../../contract/events';
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { Hold } from '../api/lab';
import { bootView, type StepStatus } from './boot-model';
import type { LaunchRecord } from './launch-record';
import { messageText, msg, type LabMessage } from '../../../contract/messages';

const REQ = 'req-11111111-2222-3333-4444-555555555555';
const UUID = '0b7c6d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e';

function events(list: Omit<LabEvent, 'seq' | 'ts' | 'source'>[]): LabEvent[] {
  return list.map((e, i) => ({ seq: i + 1, ts: new Date(1_800_000_000_000 + i).toISOString(), source: 'test', ...e }));
}

const ctx: RequestContext = { request_id: REQ, instance_uuid: UUID };
const trace = (chosen: string | null): ScheduleTrace =>
  ({
    request_id: REQ,
    instance_uuid: UUID,
    attempt: 1,
    started_at: '',
    hosts: ['host-a', 'host-b'],
    filters: [],
    weighers: [],
    ranking: chosen ? [{ host: chosen, weight: 1 }] : [],
    subset_size: 1,
    subset: chosen ? [chosen] : [],
    chosen,
    emptied_by: chosen ? null : 'CoreFilter',
    error: null,
  }) as unknown as ScheduleTrace;

/** A whole boot as the services report it, up to and including `last` (1-12). */
function boot(last: number, chosen: string | null = 'host-a') {
  const all: Omit<LabEvent, 'seq' | 'ts' | 'source'>[] = [
    { kind: 'step', step: 'identity.credentials', summary: 'POST /v3/auth/tokens (password)' },
    { kind: 'step', step: 'identity.token', summary: '201: token for admin@admin' },
    { kind: 'step', step: 'api.request', ctx, summary: 'POST /v2.1/servers vm1' },
    { kind: 'step', step: 'api.policy', ctx, summary: 'os_compute_api:servers:create allowed' },
    { kind: 'step', step: 'conductor.record', ctx, summary: 'nova-conductor wrote instance vm1' },
    { kind: 'rpc.call', topic: 'scheduler', method: 'select_destinations', ctx, summary: 'rpc.call to scheduler.select_destinations' },
    { kind: 'step', step: 'scheduler.decide', ctx, summary: chosen ? `chose ${chosen}` : 'No valid host was found', detail: trace(chosen) },
    { kind: 'step', step: 'compute.cast', ctx, summary: `rpc.cast compute.${chosen}.build_and_run_instance` },
    { kind: 'step', step: 'compute.network', ctx, summary: 'fixed IP 169.254.10.8' },
    { kind: 'step', step: 'compute.driver', ctx, summary: 'qemu-system-x86_64 -name instance-00000001', detail: { pid: 4242 } },
    {
      kind: 'progress',
      step: 'compute.image',
      ctx,
      summary: 'novalab-x86_64: 4096 of 4096 bytes',
      detail: { name: 'novalab-x86_64', bytes: 4096, total: 4096, cached: false },
    },
    { kind: 'step', step: 'api.poll', ctx, summary: `GET /v2.1/servers/${UUID} → ACTIVE` },
  ];
  // The scheduler step owns steps 6 and 7 as two events; one number per step from here.
  return events(all.slice(0, last));
}

const statuses = (v: ReturnType<typeof bootView>): StepStatus[] => v.steps.map((s) => s.status);

test('a finished boot: all twelve steps done, each with its real message, identity taken from the login before it', () => {
  const v = bootView(null, REQ, boot(12), [], { status: 'ACTIVE', fault: null });
  assert.deepEqual(statuses(v), Array(12).fill('done'));
  assert.equal(v.finished, 'ACTIVE');
  assert.equal(v.instanceUuid, UUID);
  assert.equal(v.steps[0]!.summary, 'POST /v3/auth/tokens (password)');
  assert.equal(v.steps[6]!.summary, 'chose host-a');
  assert.equal(v.trace?.chosen, 'host-a');
  assert.equal(v.steps[9]!.summary, 'qemu-system-x86_64 -name instance-00000001');
  assert.deepEqual(v.images, [{ name: 'novalab-x86_64', bytes: 4096, total: 4096, cached: false }]);
});

test('a boot in progress: done up to the last event, the next step active, the rest pending', () => {
  const v = bootView(null, REQ, boot(8), [], { status: 'BUILD', fault: null });
  assert.deepEqual(statuses(v), [...Array(8).fill('done'), 'active', 'pending', 'pending', 'pending']);
  assert.equal(v.finished, null);
});

test("NoValidHost: step 7 is the error with the fault, nothing after it happened, and the client's poll saw ERROR", () => {
  const fault = 'No valid host was found. CoreFilter: host-a: 9 vCPUs > 8 usable';
  const v = bootView(null, REQ, boot(7, null), [], { status: 'ERROR', fault });
  assert.deepEqual(statuses(v), [...Array(6).fill('done'), 'error', ...Array(4).fill('skipped'), 'error']);
  assert.match(v.steps[6]!.summary!, /CoreFilter: host-a: 9 vCPUs > 8 usable/);
  assert.equal(v.trace?.emptied_by, 'CoreFilter');
});

test('step mode: the held step shows as held with what it is about to do', () => {
  const hold: Hold = {
    id: 1,
    since: '',
    ctx,
    announcement: { step: 'scheduler.call', summary: 'rpc.call scheduler.select_destinations' },
    holder: { service: 'nova-conductor', host: null, pid: 1234, worker: null },
  };
  const v = bootView(null, REQ, boot(5), [hold], { status: 'BUILD', fault: null });
  assert.equal(v.steps[5]!.status, 'held');
  assert.equal(v.steps[5]!.summary, 'rpc.call scheduler.select_destinations');
  assert.deepEqual(statuses(v).slice(0, 5), Array(5).fill('done'));
  const other: Hold = { ...hold, ctx: { request_id: 'req-other' } };
  assert.equal(
    bootView(null, REQ, boot(5), [other], { status: 'BUILD', fault: null }).steps[5]!.status,
    'active',
    "another request's hold is not this one's",
  );
});

test("another request's events are not this request's steps", () => {
  const mine = boot(4);
  const theirs = events([{ kind: 'step', step: 'conductor.record', ctx: { request_id: 'req-other' }, summary: 'someone else' }]).map(
    (e) => ({ ...e, seq: 100 }),
  );
  const v = bootView(null, REQ, [...mine, ...theirs], [], { status: 'BUILD', fault: null });
  assert.equal(v.steps[4]!.status, 'active');
  assert.equal(v.steps[4]!.summary, null);
});

test('after a reload, with the events no longer kept: an ACTIVE instance shows every step done, never "in progress"', () => {
  const v = bootView(null, REQ, [], [], { status: 'ACTIVE', fault: null });
  assert.deepEqual(statuses(v), Array(12).fill('done'));
  const off = bootView(null, REQ, [], [], { status: 'SHUTOFF', fault: null });
  assert.deepEqual(statuses(off), Array(12).fill('done'), 'a stopped instance was booted once');
  const unknown = bootView(null, REQ, [], [], null);
  assert.ok(!statuses(unknown).includes('active'), 'nothing is in progress while the state is not known');
});

test('the decision comes from the saved traces when its event is gone', () => {
  const v = bootView(null, REQ, boot(6), [], { status: 'BUILD', fault: null }, [trace('host-b')]);
  assert.equal(v.trace?.chosen, 'host-b');
  assert.equal(v.steps[6]!.status, 'done');
});

test("each step's span comes from its events; a launch made here is timed from its own login, not an earlier one", () => {
  // boot(): one event per millisecond, in order; an earlier login (seq 0) before the launch began.
  const earlier = {
    ...events([{ kind: 'step', step: 'identity.credentials', summary: 'someone earlier' }])[0]!,
    seq: 0,
    ts: new Date(1_799_999_000_000).toISOString(),
  };
  const all = [earlier, ...boot(12)];
  const launch = {
    key: 'launch-1',
    name: 'vm1',
    startedAt: '',
    startSeq: 0,
    body: { server: { name: 'vm1' } },
    polls: [],
    finalStatus: 'ACTIVE',
  };
  const v = bootView(launch as unknown as LaunchRecord, REQ, all, [], null);
  const t = (i: number) => 1_800_000_000_000 + i;
  assert.deepEqual(v.steps[0]!.span, { start: t(0), end: t(0), ms: 0 }, 'the login after the launch began, not the earlier one');
  assert.deepEqual(v.steps[6]!.span, { start: t(6), end: t(6), ms: 0 });
  assert.equal(v.steps[11]!.span?.start, t(11));
  assert.deepEqual(
    v.waterfall.lanes.map((l) => l.id),
    ['test', 'glance-api'],
    'lanes are the sources of the events (here one, "test", and glance for the image it sent)',
  );
});

test("a fault nova-conductor published by code (retries exceeded) is the walkthrough's fault by code, on the failed step too", () => {
  const said: LabMessage = msg('fault.retriesExceeded', {
    uuid: UUID,
    tried: 'host-a: fake driver: injected spawn failure on host-a',
    error: msg('noValidHost.plain'),
  });
  const fault = messageText(said);
  const list = [...boot(10)];
  list.push(...events([{ kind: 'fault', ctx, summary: fault, message: said }]).map((e) => ({ ...e, seq: list.length + 1 })));
  const v = bootView(null, REQ, list, [], { status: 'ERROR', fault });
  assert.deepEqual(v.faultMessage, said);
  const failed = v.steps.find((s) => s.fault !== null)!;
  assert.equal(failed.status, 'error');
  assert.deepEqual(failed.faultMessage, said);
  // Another fault text (the API's, from elsewhere) is not given this code.
  assert.equal(bootView(null, REQ, list, [], { status: 'ERROR', fault: 'something else' }).faultMessage, null);
});
