// Each box of the course's pictures says what stands for it in the lab, from the lab's own answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceProcess } from '../../../../contract/services';
import type { LabArchitecture } from '../../../../contract/lab-api';
import { COMPLEX, SIMPLE, layoutDiagram, type CourseBox } from './course-architecture';
import { boxTruth, type LiveLab } from './course-truth';

const proc = (binary: ServiceProcess['binary'], host: string, pid: number | null, workerPids: number[] = []): ServiceProcess => ({
  binary,
  host,
  pid,
  workerPids,
  ports: [],
  state: pid ? 'running' : 'restarting',
  restarts: 0,
  failures: 0,
  nextTryAt: null,
  startedAt: null,
  lastExit: null,
  lastError: null,
});

const arch: LabArchitecture = {
  launcher_pid: 10,
  enabled_filters: [],
  stale_conf: [],
  hosts: [],
  api_workers: [
    {
      role: 'osapi_compute',
      option: 'osapi_compute_workers',
      listen: '127.0.0.1',
      port: 8774,
      master_pid: 20,
      worker_pids: [21],
      accepts: 'master',
    },
  ],
};
const live: LiveLab = {
  processes: [
    proc('nova-api', 'novalab', 20, [21, 22]),
    proc('nova-conductor', 'novalab', 30),
    proc('nova-compute', 'host-a', 40),
    proc('nova-compute', 'host-b', null),
  ],
  architecture: arch,
  hypervisorTypes: ['fake', 'fake'],
};
const box = (id: string, from = SIMPLE): CourseBox =>
  from.rows
    .flat()
    .flatMap((n) => n.boxes)
    .find((b) => b.id === id)!;

test('a service box is its processes: the master with its workers, or each running nova-compute', () => {
  assert.deepEqual(boxTruth(box('nova-api'), live), {
    tone: 'real',
    pids: [20, 21, 22],
    key: 'master',
    params: { pid: 20, count: 3, workers: '21, 22' },
  });
  const compute = boxTruth(box('nova-compute'), live);
  assert.deepEqual([compute.tone, compute.pids, compute.params.count], ['real', [40], 1]);
  assert.equal(boxTruth(box('nova-scheduler'), live).tone, 'down', 'a service the launcher does not run now is not drawn running');
});

test('the database and the queue are parts of other processes; nova-cert is not in the lab', () => {
  assert.deepEqual(boxTruth(box('database'), live).pids, [30]);
  assert.deepEqual(boxTruth(box('queue'), live), { tone: 'inside', pids: [10], key: 'broker', params: { pid: 10 } });
  assert.equal(boxTruth(box('nova-cert'), live).tone, 'absent');
  assert.equal(boxTruth(box('queue'), { ...live, architecture: null }).tone, 'unknown', 'no pid claimed before the lab said it');
});

test("the hypervisor is absent under the fake driver; the load balancer is nova-api's master when it accepts for its workers", () => {
  assert.equal(boxTruth(box('hypervisor'), live).key, 'hypervisorFake');
  assert.equal(boxTruth(box('hypervisor'), { ...live, hypervisorTypes: ['QEMU', 'fake'] }).tone, 'real');
  assert.deepEqual(boxTruth(box('balancer', COMPLEX), live).pids, [20]);
  const none = { ...arch, api_workers: arch.api_workers.map((g) => ({ ...g, accepts: 'workers' as const })) };
  assert.equal(boxTruth(box('balancer', COMPLEX), { ...live, architecture: none }).tone, 'absent');
});

test('the layout puts every box inside its node and no two nodes overlap', () => {
  for (const d of [SIMPLE, COMPLEX]) {
    const l = layoutDiagram(d);
    for (const n of l.nodes) {
      assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.w <= l.width && n.y + n.h <= l.height, `${d.id}/${n.node.id} inside the picture`);
      for (const b of n.boxes) assert.ok(b.x >= n.x && b.y >= n.y && b.x + b.w <= n.x + n.w && b.y + b.h <= n.y + n.h, `${b.box.id}`);
    }
    for (const a of l.nodes)
      for (const b of l.nodes)
        if (a !== b) assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `${a.node.id} / ${b.node.id}`);
  }
});
