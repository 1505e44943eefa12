import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNovaConf } from '../config/nova-conf.js';
import { planServices, allPortClaims, duplicatePorts, spawnOrder } from './service-plan.js';
import type { Topology } from '../config/topology.js';

const topo = { hosts: ['host-a', 'host-b', 'host-c'].map((name) => ({ name })) } as Topology;

test('the plan runs one nova-compute per lab host and every other service once', () => {
  const { conf } = resolveNovaConf('');
  const plan = planServices(conf, topo);
  assert.deepEqual(
    plan.filter((s) => s.binary === 'nova-compute').map((s) => s.host),
    ['host-a', 'host-b', 'host-c'],
  );
  for (const b of ['keystone', 'glance-api', 'nova-api', 'nova-scheduler', 'nova-conductor', 'nova-consoleauth', 'nova-novncproxy']) {
    assert.equal(plan.filter((s) => s.binary === b).length, 1, b);
  }
  assert.equal(plan.find((s) => s.binary === 'nova-scheduler')!.ports.length, 0, 'the scheduler has no port');
});

test('the longest starts are spawned first, every process exactly once, the rest in plan order', () => {
  const { conf } = resolveNovaConf('');
  const plan = planServices(conf, topo);
  const order = spawnOrder(plan);
  const name = (s: { binary: string; host: string }) => `${s.binary}@${s.host}`;
  assert.deepEqual(
    order.slice(0, 3).map((s) => s.binary),
    ['nova-api', 'keystone', 'glance-api'],
  );
  assert.deepEqual([...order].map(name).sort(), plan.map(name).sort());
  const rest = order.slice(3);
  assert.deepEqual(
    rest,
    plan.filter((s) => rest.includes(s)),
  );
});

test("the course's ports are the defaults and a port offset moves them all", () => {
  const ports = (text: string, offset = 0) =>
    allPortClaims(
      resolveNovaConf(text, { portOffset: offset }).conf,
      planServices(resolveNovaConf(text, { portOffset: offset }).conf, topo),
    )
      .map((c) => c.port)
      .sort((a, b) => a - b);
  assert.deepEqual(ports(''), [5000, 6080, 8773, 8774, 8775, 8780, 9292]);
  assert.deepEqual(ports('', 1000), [6000, 7080, 9773, 9774, 9775, 9780, 10292]);
});

test('two services configured on one port are reported before anything starts', () => {
  const { conf } = resolveNovaConf('[novalab]\nglance_port = 5000\n');
  assert.deepEqual(duplicatePorts(allPortClaims(conf, planServices(conf, topo))), [
    'port 5000 is configured for both keystone and glance-api',
  ]);
});

test('nova-compute runs under a permission model that leaves out the database', () => {
  const { conf } = resolveNovaConf('');
  const plan = planServices(conf, topo, { appRoot: '/app', stateDir: '/state' });
  for (const compute of plan.filter((s) => s.binary === 'nova-compute')) {
    assert.ok(compute.nodeArgs.includes('--experimental-permission'));
    const readable = compute.nodeArgs.filter((a) => a.startsWith('--allow-fs-read=')).map((a) => a.slice('--allow-fs-read='.length));
    assert.ok(!readable.some((r) => r === '/state' || r.startsWith('/state/db')), `compute may read ${readable.join(', ')}`);
    assert.ok(readable.includes('/state/nova.conf'));
    // Whole-disk guests boot with Debian's UEFI builds: the driver must see and copy them.
    assert.ok(readable.includes('/usr/share/AAVMF') && readable.includes('/usr/share/OVMF'), readable.join(', '));
  }
  const linked = planServices(conf, topo, { appRoot: '/app', stateDir: '/state', modulesDir: '/shared/node_modules' });
  assert.ok(
    linked.find((s) => s.binary === 'nova-compute')!.nodeArgs.includes('--allow-fs-read=/shared/node_modules'),
    'a linked node_modules stays readable',
  );
  assert.ok(
    !plan.find((s) => s.binary === 'nova-conductor')!.nodeArgs.some((a) => a.includes('permission') || a.startsWith('--allow-fs')),
    'the conductor opens the database',
  );
});
