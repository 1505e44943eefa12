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
