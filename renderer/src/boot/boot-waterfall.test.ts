// The waterfall of one boot, from events shaped as the bus publishes them: lanes for the
// services that took part, in the order they joined; wait and work bars cut from call and
// reply; casts and what their receiver did; image fetches against glance; the guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabEvent } from '../../../contract/events';
import { axisTicks, bootWaterfall, packTracks, topicServer, type Bar } from './boot-waterfall';

const T0 = Date.parse('2026-12-07T13:47:14.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
function events(list: [number, Partial<LabEvent> & Pick<LabEvent, 'kind' | 'source'>][]): LabEvent[] {
  return list.map(([at, e], i) => ({ seq: i + 1, ts: iso(at), summary: '', ctx: { request_id: 'req-1' }, ...e }));
}
const call = (topic: string, method: string) => ({ kind: 'rpc.call' as const, topic, method });
const reply = (topic: string, method: string) => ({ kind: 'rpc.reply' as const, topic, method });

const BOOT = events([
  [
    0,
    {
      kind: 'step',
      step: 'identity.credentials',
      source: 'keystone',
      detail: { method: 'POST', path: '/v3/auth/tokens', started_at: iso(-60) },
    },
  ],
  [0, { kind: 'step', step: 'identity.token', source: 'keystone' }],
  [99, { ...call('lab', 'step'), source: 'nova-api' }],
  [99, { kind: 'step', step: 'api.request', source: 'novalab' }],
  [151, { ...call('conductor', 'instance_create'), source: 'nova-api' }],
  [154, { ...reply('conductor', 'instance_create'), source: 'nova-conductor' }],
  [156, { kind: 'rpc.cast', topic: 'conductor', method: 'build_instances', source: 'nova-api' }],
  [162, { kind: 'http', source: 'nova-api', detail: { method: 'POST', path: '/v2.1/servers', status: 202, started_at: iso(42) } }],
  [163, { ...call('scheduler', 'select_destinations'), source: 'nova-conductor' }],
  [165, { ...call('conductor', 'host_states'), source: 'nova-scheduler' }],
  [166, { ...reply('conductor', 'host_states'), source: 'nova-conductor' }],
  [168, { kind: 'step', step: 'scheduler.decide', source: 'novalab' }],
  [178, { kind: 'step', step: 'scheduler.decide', source: 'nova-scheduler' }],
  [178, { ...reply('scheduler', 'select_destinations'), source: 'nova-scheduler' }],
  [184, { kind: 'rpc.cast', topic: 'compute.host-c', method: 'build_and_run_instance', source: 'nova-conductor' }],
  [185, { ...call('conductor', 'instance_update'), source: 'nova-compute@host-c' }],
  [186, { ...reply('conductor', 'instance_update'), source: 'nova-conductor' }],
  [194, { kind: 'step', step: 'compute.driver', source: 'novalab', detail: { driver: 'qemu' } }],
  [
    386,
    {
      kind: 'progress',
      step: 'compute.image',
      source: 'nova-compute@host-c',
      detail: { name: 'disk', bytes: 1, total: 1, started_at: iso(197) },
    },
  ],
  [
    300,
    {
      kind: 'progress',
      step: 'compute.image',
      source: 'nova-compute@host-c',
      detail: { name: 'kernel', cached: true, started_at: iso(197) },
    },
  ],
  [400, { kind: 'progress', source: 'nova-compute@host-c', detail: { phase: 'starting', detail: 'qemu-system-x86_64 …' } }],
  [1400, { kind: 'progress', source: 'nova-compute@host-c', detail: { phase: 'started', detail: 'pid 42' } }],
  [1400, { kind: 'step', step: 'compute.driver', source: 'nova-compute@host-c', detail: { pid: 42 } }],
  [1402, { ...call('conductor', 'action_event_finish'), source: 'nova-compute@host-c' }],
  [1403, { ...reply('conductor', 'action_event_finish'), source: 'nova-conductor' }],
  // ACTIVE came before the guest had booted: its banner shows later on the serial console.
  [4400, { kind: 'progress', source: 'nova-compute@host-c', detail: { phase: 'banner', detail: 'novalab login: vm1 (0b7c)' } }],
]);

const find = (bars: Bar[], lane: string, kind: string, label?: string) =>
  bars.filter((b) => b.lane === lane && b.kind === kind && (label === undefined || b.label === label));
const rel = (b: Bar) => [b.start - T0, b.end - T0];

test('one lane per service that took part, in the order each joined, plus glance-api and the guest', () => {
  const w = bootWaterfall(BOOT);
  assert.deepEqual(
    w.lanes.map((l) => l.id),
    ['keystone', 'nova-api', 'nova-conductor', 'nova-scheduler', 'nova-compute@host-c', 'glance-api', 'guest'],
  );
  assert.equal(w.driver, 'qemu');
  assert.equal(w.t0, T0 - 60);
  assert.equal(w.t1, T0 + 4400);
});

test('an rpc call is a wait bar on the caller and a work bar on the callee, linked', () => {
  const w = bootWaterfall(BOOT);
  const [wait] = find(w.bars, 'nova-conductor', 'wait', 'scheduler.select_destinations');
  const [work] = find(w.bars, 'nova-scheduler', 'work', 'scheduler.select_destinations');
  assert.deepEqual(rel(wait!), [163, 178]);
  assert.deepEqual(rel(work!), [163, 178]);
  assert.equal(wait!.step, 6);
  assert.ok(w.links.some((l) => l.from === wait!.id && l.to === work!.id));
  // The scheduler itself waits for the conductor's host states meanwhile.
  assert.deepEqual(rel(find(w.bars, 'nova-scheduler', 'wait', 'conductor.host_states')[0]!), [165, 166]);
});

test('a cast is an instant on the sender; its receiver works until the last message it sent', () => {
  const w = bootWaterfall(BOOT);
  const [cast] = find(w.bars, 'nova-conductor', 'cast', 'compute.host-c.build_and_run_instance');
  const [build] = find(w.bars, 'nova-compute@host-c', 'work', 'compute.host-c.build_and_run_instance');
  assert.deepEqual(rel(cast!), [184, 184]);
  assert.deepEqual(rel(build!), [184, 1402]);
  assert.ok(w.links.some((l) => l.from === cast!.id && l.to === build!.id));
  const [conductorWork] = find(w.bars, 'nova-conductor', 'work', 'conductor.build_instances');
  assert.deepEqual(rel(conductorWork!), [156, 184], 'the conductor worked on build_instances until it cast to the host');
});

test('HTTP, token, scheduler decision, image fetches and the guest keep the times their sources report', () => {
  const w = bootWaterfall(BOOT);
  assert.deepEqual(rel(find(w.bars, 'nova-api', 'http')[0]!), [42, 162]);
  assert.deepEqual(rel(find(w.bars, 'keystone', 'token')[0]!), [-60, 0]);
  assert.deepEqual(rel(find(w.bars, 'nova-scheduler', 'decide')[0]!), [168, 178]);
  assert.deepEqual(rel(find(w.bars, 'nova-compute@host-c', 'fetch', 'disk')[0]!), [197, 386]);
  assert.deepEqual(rel(find(w.bars, 'glance-api', 'serve', 'disk')[0]!), [197, 386]);
  assert.equal(find(w.bars, 'glance-api', 'serve', 'kernel').length, 0, 'a cached image is not sent by glance');
  const [guest] = find(w.bars, 'guest', 'guest');
  assert.deepEqual(rel(guest!), [400, 1400]);
  const [build] = find(w.bars, 'nova-compute@host-c', 'work', 'compute.host-c.build_and_run_instance');
  assert.ok(w.links.some((l) => l.from === build!.id && l.to === guest!.id));
  const [booting] = find(w.bars, 'guest', 'boot');
  assert.deepEqual(rel(booting!), [1400, 4400], 'from the driver\'s "started" to the banner');
  assert.equal(booting!.label, 'novalab login: vm1 (0b7c)');
});

test('the lab announcements and the bus are no lanes; a reply from the bus fails the call; an unanswered one stays open', () => {
  const w = bootWaterfall(
    events([
      [0, { ...call('lab', 'step'), source: 'nova-api' }],
      [0, { kind: 'step', step: 'api.request', source: 'novalab' }],
      [10, { ...call('scheduler', 'select_destinations'), source: 'nova-conductor' }],
      [70, { ...reply('scheduler', 'select_destinations'), source: 'broker' }],
      [80, { ...call('conductor', 'instance_update'), source: 'nova-compute@host-a' }],
      [90, { kind: 'step', step: 'compute.network', source: 'nova-compute@host-a' }],
    ]),
  );
  assert.deepEqual(
    w.lanes.map((l) => l.id),
    ['nova-conductor', 'nova-compute@host-a'],
  );
  const [failed] = find(w.bars, 'nova-conductor', 'wait');
  assert.equal(failed!.failed, true);
  assert.equal(find(w.bars, 'nova-scheduler', 'work').length, 0);
  const [open] = find(w.bars, 'nova-compute@host-a', 'wait');
  assert.equal(open!.open, true);
  assert.equal(open!.end, w.t1);
});

test('bars are packed into rows that never overlap', () => {
  const bar = (id: string, start: number, end: number): Bar => ({
    id,
    lane: 'x',
    kind: 'work',
    start,
    end,
    label: id,
    step: null,
    seq: start,
  });
  const tracks = packTracks([bar('a', 0, 100), bar('b', 10, 20), bar('c', 20, 30), bar('d', 100, 120), bar('e', 15, 40)]);
  assert.deepEqual(
    tracks.map((t) => t.map((b) => b.id)),
    [['a', 'd'], ['b', 'c'], ['e']],
  );
  for (const row of tracks) for (let i = 1; i < row.length; i++) assert.ok(row[i - 1]!.end <= row[i]!.start);
});

test('topics name their servers; the axis ticks at round steps', () => {
  assert.equal(topicServer('compute.host-b'), 'nova-compute@host-b');
  assert.equal(topicServer('conductor'), 'nova-conductor');
  assert.deepEqual(axisTicks(1000), [0, 200, 400, 600, 800, 1000]);
  assert.deepEqual(axisTicks(130), [0, 20, 40, 60, 80, 100, 120]);
  assert.deepEqual(axisTicks(0), [0]);
});
