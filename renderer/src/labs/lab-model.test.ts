// The labs' checks, evaluated against snapshots of a lab as its APIs describe it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hypervisor, ServerDetail, ServerGroupView } from '../api/compute';
import { evaluate, FACTS, type LabSnapshot } from './lab-model';
import { LABS } from './content';

const host = (name: string, over: Partial<Hypervisor> = {}) =>
  ({ hypervisor_hostname: name, state: 'up', status: 'enabled', vcpus: 4, ...over }) as Hypervisor;
const server = (id: string, status: string, h: string | null) => ({ id, name: id, status, 'OS-EXT-SRV-ATTR:host': h }) as ServerDetail;
const group = (id: string, policy: string, members: string[]) => ({ id, name: id, policy, rules: {}, members }) as ServerGroupView;
const snap = (over: Partial<LabSnapshot> = {}): LabSnapshot => ({
  processes: [],
  config: {},
  hypervisors: [],
  servers: [],
  serverGroups: [],
  ...over,
});

test('nova-api processes are the master plus its workers, and nova.conf says how many there should be', () => {
  const s = snap({
    processes: [
      { binary: 'nova-api', pid: 10, workerPids: [11, 12, 13] },
      { binary: 'keystone', pid: 20, workerPids: [] },
    ] as unknown as LabSnapshot['processes'],
    config: { osapi_compute_workers: 1, metadata_workers: 1, ec2_workers: 1 },
  });
  assert.equal(FACTS.nova_api_processes(s), 4);
  assert.equal(evaluate({ kind: 'facts-equal', a: 'nova_api_processes', b: 'nova_api_expected_processes' }, s, undefined).ok, true);
  assert.equal(evaluate({ kind: 'answer-equals-fact', fact: 'nova_api_processes' }, s, ' 4 ').ok, true);
  assert.equal(evaluate({ kind: 'answer-equals-fact', fact: 'nova_api_processes' }, s, '').ok, false);
});

test('anti-affinity: hosts used count each host once and only ACTIVE members; usable hosts are up and enabled', () => {
  const s = snap({
    hypervisors: [host('a'), host('b'), host('c', { status: 'disabled' }), host('d', { state: 'down' })],
    servers: [
      server('m1', 'ACTIVE', 'a'),
      server('m2', 'ACTIVE', 'b'),
      server('m3', 'ACTIVE', 'a'),
      server('m4', 'ERROR', null),
      server('x', 'ACTIVE', 'c'),
    ],
    serverGroups: [group('web', 'anti-affinity', ['m1', 'm2', 'm3', 'm4']), group('db', 'affinity', ['x'])],
    config: { scheduler_default_filters: ['RamFilter', 'ServerGroupAntiAffinityFilter'] },
  });
  assert.equal(FACTS.usable_hosts(s), 2);
  assert.equal(FACTS.anti_affinity_groups(s), 1);
  assert.equal(FACTS.anti_affinity_hosts_used(s), 2);
  assert.equal(FACTS.anti_affinity_refused(s), 1);
  assert.equal(FACTS.anti_affinity_hosts_used(snap()), 0, 'no group: nothing used');
  assert.equal(
    evaluate({ kind: 'config-includes', key: 'scheduler_default_filters', item: 'ServerGroupAntiAffinityFilter' }, s, undefined).ok,
    true,
  );
  assert.equal(
    evaluate({ kind: 'config-includes', key: 'scheduler_default_filters', item: 'ServerGroupAffinityFilter' }, s, undefined).ok,
    false,
  );
});

test('the anti-affinity lab is complete only when the filter is on, members spread, and one more was refused', () => {
  const lab = LABS.find((l) => l.id === 'server-group-anti-affinity')!;
  const done = snap({
    hypervisors: [host('a'), host('b')],
    servers: [server('m1', 'ACTIVE', 'a'), server('m2', 'ACTIVE', 'b'), server('m3', 'ERROR', null)],
    serverGroups: [group('web', 'anti-affinity', ['m1', 'm2', 'm3'])],
    config: { scheduler_default_filters: ['RetryFilter', 'ServerGroupAntiAffinityFilter'] },
  });
  assert.deepEqual(
    lab.steps.map((s) => evaluate(s.check, done, s.answer ? '2' : undefined).ok),
    [true, true, true, true],
  );
  assert.deepEqual(
    lab.steps.map((s) => evaluate(s.check, snap(), s.answer ? '2' : undefined).ok),
    [false, false, false, false],
  );
  assert.equal(evaluate(lab.steps[3]!.check, done, '3').ok, false, 'a wrong count');
});

test('the run-out answer is what the group really placed: four hosts up, one aarch64-only, three members placed', () => {
  const lab = LABS.find((l) => l.id === 'server-group-anti-affinity')!;
  const runOut = lab.steps.find((s) => s.id === 'run-out')!;
  // The default topology: host-d is up and enabled but runs aarch64 only, so the x86_64
  // members went to a, b and c, and the fourth was refused.
  const placed = snap({
    hypervisors: [host('host-a'), host('host-b'), host('host-c'), host('host-d', { vcpus: 2 })],
    servers: [
      server('m1', 'ACTIVE', 'host-a'),
      server('m2', 'ACTIVE', 'host-b'),
      server('m3', 'ACTIVE', 'host-c'),
      server('m4', 'ERROR', null),
    ],
    serverGroups: [group('web', 'anti-affinity', ['m1', 'm2', 'm3', 'm4'])],
  });
  assert.equal(FACTS.usable_hosts(placed), 4);
  assert.equal(FACTS.anti_affinity_placed(placed), 3);
  assert.deepEqual(evaluate(runOut.check, placed, '3'), {
    ok: true,
    facts: { anti_affinity_placed: 3, anti_affinity_refused: 1 },
    answer: 'right',
  });
  const four = evaluate(runOut.check, placed, '4');
  assert.equal(four.ok, false);
  assert.equal(four.answer, 'wrong', 'a wrong answer gets a verdict the GUI shows');
  assert.equal(evaluate(runOut.check, placed, '').answer, undefined, 'nothing typed: no verdict');
  // Before a member was refused the lab has not shown where the hosts run out.
  const early = snap({ ...placed, servers: placed.servers.slice(0, 3), serverGroups: [group('web', 'anti-affinity', ['m1', 'm2', 'm3'])] });
  assert.ok(Number.isNaN(FACTS.anti_affinity_placed(early)));
  assert.equal(evaluate(runOut.check, early, '3').answer, 'pending');
  assert.equal(evaluate(runOut.check, early, '3').ok, false);
});

test('every lab has both languages for every text', () => {
  for (const lab of LABS) {
    const texts = [
      lab.title,
      lab.summary,
      ...lab.steps.flatMap((s) => [s.title, s.body, ...(s.hint ? [s.hint] : []), ...(s.answer ? [s.answer.label] : [])]),
    ];
    for (const t of texts) assert.ok(t.en.trim() && t['zh-CN'].trim(), `${lab.id}: ${JSON.stringify(t)}`);
  }
});
