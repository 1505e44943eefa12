import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestNotFoundError, RetryableSpawnError, type GuestSpec } from '../../driver.js';
import { FakeDriver } from './fake-driver.js';

const host = { host: 'host-a', instancesDir: '/nowhere' };
let n = 0;
function spec(over: Partial<GuestSpec> = {}): GuestSpec {
  n++;
  return {
    uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `instance-${String(n).padStart(8, '0')}`,
    hostname: `vm-${n}`,
    arch: 'x86_64',
    vcpus: 1,
    memoryMb: 256,
    image: { kernel: '/k', ramdisk: '/i', disk: '/d', diskFormat: 'qcow2', cmdline: 'console=ttyS0' },
    network: { mac: 'fa:16:3e:00:00:01', fixedIp: '10.0.0.3' },
    metadata: null,
    vnc: { kind: 'unix' },
    accel: 'tcg',
    ...over,
  };
}

test('walks a guest through its whole life', async () => {
  const d = new FakeDriver();
  const report = await d.init(host);
  assert.equal(report.accelerator, 'fake');
  assert.deepEqual(report.supported_instances, [
    ['x86_64', 'qemu', 'hvm'],
    ['aarch64', 'qemu', 'hvm'],
  ]);
  const s = spec();
  const phases: string[] = [];
  await d.spawn(s, (p) => phases.push(p.phase));
  assert.deepEqual(phases, ['creating-disk', 'starting', 'started']);
  assert.deepEqual(await d.listRunning(), [s.uuid]);
  assert.match(await d.getConsoleOutput(s.uuid), new RegExp(s.hostname));
  await d.pause(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'paused');
  await assert.rejects(d.pause(s.uuid), /while paused/);
  await d.unpause(s.uuid);
  await d.suspend(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'suspended');
  assert.deepEqual(await d.listRunning(), []);
  await d.resume(s.uuid);
  await d.reboot(s.uuid, 'HARD');
  await d.powerOff(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'shutdown');
  await assert.rejects(d.getVncConsole(s.uuid), /while shutdown/);
  await d.powerOn(s.uuid);
  assert.ok('port' in (await d.getVncConsole(s.uuid)));
  await d.destroy(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'nostate');
  await assert.rejects(d.pause(s.uuid), GuestNotFoundError);
});

test('failSpawn: once fails the first spawn only, as retryable', async () => {
  const d = new FakeDriver({ failSpawn: 'once' });
  await d.init(host);
  await assert.rejects(d.spawn(spec()), RetryableSpawnError);
  await d.spawn(spec());
});

test('failSpawn: always, or on listed hosts; plain errors when asked', async () => {
  const always = new FakeDriver({ failSpawn: 'always', failSpawnRetryable: false });
  await always.init(host);
  await assert.rejects(always.spawn(spec()), (e: Error) => !(e instanceof RetryableSpawnError));
  const onA = new FakeDriver({ failSpawn: ['host-a'] });
  await onA.init(host);
  await assert.rejects(onA.spawn(spec()), /host-a/);
  const onB = new FakeDriver({ failSpawn: ['host-b'] });
  await onB.init(host);
  await onB.spawn(spec());
});

test("a guest that dies behind the manager's back is reported", async () => {
  const d = new FakeDriver();
  await d.init(host);
  const s = spec();
  await d.spawn(s);
  const seen: [string, string][] = [];
  const off = d.onGuestExit((uuid, info) => seen.push([uuid, info.reason]));
  d.simulateGuestExit(s.uuid);
  off();
  d.simulateGuestExit(s.uuid);
  assert.deepEqual(seen, [[s.uuid, 'killed']]);
  assert.equal(await d.getPowerState(s.uuid), 'shutdown');
});

test('adopt re-adopts the living leftovers and reports the vanished', async () => {
  const alive = spec();
  const gone = spec();
  const d = new FakeDriver({
    leftover: [
      { spec: alive, alive: true },
      { spec: gone, alive: false },
    ],
  });
  await d.init(host);
  assert.deepEqual(await d.adopt(), { adopted: [alive.uuid], vanished: [gone.uuid] });
  assert.deepEqual(await d.listRunning(), [alive.uuid]);
});
