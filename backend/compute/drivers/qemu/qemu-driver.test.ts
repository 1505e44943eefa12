// The QEMU driver's supervision logic against a fake QEMU program (fake-qemu-program.ts):
// no guest boots here; the real thing is test/real/qemu-driver.test.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RetryableSpawnError, type GuestExitInfo, type GuestSpec } from '../../driver.js';
import { QemuDriver, type QemuDriverOptions } from './qemu-driver.js';
import { instanceFiles } from './instance-files.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qemu-driver-unit-'));
const instancesDir = path.join(tmp, 'instances');
const binDir = path.join(tmp, 'bin');
const host = { host: 'unit', instancesDir };

const js = fileURLToPath(new URL('./fake-qemu-program.js', import.meta.url));
const program = fs.existsSync(js) ? `"${js}"` : `--import tsx "${fileURLToPath(new URL('./fake-qemu-program.ts', import.meta.url))}"`;
fs.mkdirSync(binDir);
for (const tool of ['qemu-system-x86_64', 'qemu-system-aarch64', 'qemu-img']) {
  // argv[0] named like QEMU's, as adoption checks the command line
  fs.writeFileSync(path.join(binDir, tool), `#!/bin/bash\nexec -a ${tool} "${process.execPath}" ${program} ${tool} "$@"\n`, {
    mode: 0o755,
  });
}
fs.writeFileSync(path.join(tmp, 'base.qcow2'), '');

const drivers: QemuDriver[] = [];
after(async () => {
  for (const d of drivers) await d.close({ stopGuests: true, timeoutMs: 200 }).catch(() => undefined);
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tmp)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function driver(over: Partial<QemuDriverOptions> = {}) {
  const d = new QemuDriver({
    accelCacheFile: path.join(tmp, 'accel.json'),
    accelerator: 'tcg',
    binDir,
    forwarder: null,
    env: { FAKE_QEMU_ACPI: '1' },
    powerOffTimeoutMs: 2000,
    pollIntervalMs: 200,
    ...over,
  });
  drivers.push(d);
  const report = await d.init(host);
  const exits: { uuid: string; info: GuestExitInfo }[] = [];
  d.onGuestExit((uuid, info) => exits.push({ uuid, info }));
  return { d, report, exits };
}

function spec(over: Partial<GuestSpec> = {}): GuestSpec {
  return {
    uuid: randomUUID(),
    name: 'instance-00000001',
    hostname: 'unit-vm',
    arch: 'x86_64',
    vcpus: 1,
    memoryMb: 64,
    image: {
      kernel: path.join(tmp, 'base.qcow2'),
      ramdisk: null,
      disk: path.join(tmp, 'base.qcow2'),
      diskFormat: 'qcow2',
      cmdline: 'console=ttyS0',
    },
    network: { mac: 'fa:16:3e:00:00:01', fixedIp: null },
    metadata: null,
    vnc: { kind: 'unix' },
    accel: 'tcg',
    ...over,
  };
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  for (const deadline = Date.now() + ms; ;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('init reports the QEMU version and both architectures, on the configured accelerator', async () => {
  const { report } = await driver();
  assert.equal(report.hypervisor_version, 7002000);
  assert.deepEqual(report.accelerators, { x86_64: 'tcg', aarch64: 'tcg' });
  assert.match(report.acceleratorReason, /set by configuration/);
});

test('spawn: overlay, spec, pid file, running process; pause and unpause through QMP', async () => {
  const { d } = await driver();
  const s = spec();
  const phases: string[] = [];
  const h = await d.spawn(s, (p) => phases.push(p.phase));
  const f = instanceFiles(instancesDir, s.uuid);
  assert.deepEqual(phases, ['creating-disk', 'starting', 'started']);
  assert.equal(Number(fs.readFileSync(f.pidFile, 'utf8')), (await until('pid', () => h.pid))!);
  assert.ok(fs.existsSync(f.disk) && fs.existsSync(f.spec));
  assert.equal(h.command?.binary, 'qemu-system-x86_64');
  assert.deepEqual(await d.listRunning(), [s.uuid]);
  await d.pause(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'paused');
  await d.unpause(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'running');
  assert.match(await until('ticks', () => d.getConsoleOutput(s.uuid, 1).then((o) => o === 'tick\n' && o)), /tick/);
  await d.destroy(s.uuid);
  assert.equal(fs.existsSync(f.dir), false);
  assert.equal(await d.getPowerState(s.uuid), 'nostate');
});

test('a killed QEMU is reported at once; a requested power-off is not reported', async () => {
  const { d, exits } = await driver();
  const s = spec();
  const h = await d.spawn(s);
  process.kill(h.pid!, 'SIGKILL');
  const e = await until('exit', () => exits.find((x) => x.uuid === s.uuid));
  assert.equal(e.info.reason, 'killed');
  assert.equal(await d.getPowerState(s.uuid), 'shutdown');
  await d.powerOn(s.uuid);
  await d.powerOff(s.uuid); // the fake powers off on the ACPI button
  assert.equal(await d.getPowerState(s.uuid), 'shutdown');
  assert.equal(exits.length, 1);
  await d.destroy(s.uuid);
});

test('suspend streams the state to suspend.state and ends QEMU; resume starts from it', async () => {
  const { d, exits } = await driver();
  const s = spec();
  await d.spawn(s);
  const f = instanceFiles(instancesDir, s.uuid);
  await d.suspend(s.uuid);
  assert.equal(fs.readFileSync(f.suspendState, 'utf8'), 'fake machine state');
  assert.deepEqual(await d.listRunning(), []);
  assert.equal(await d.getPowerState(s.uuid), 'suspended');
  await d.resume(s.uuid);
  assert.equal(await d.getPowerState(s.uuid), 'running');
  assert.match(await d.getConsoleOutput(s.uuid), /restored 18 bytes/);
  assert.equal(fs.existsSync(f.suspendState), false);
  assert.equal(exits.length, 0);
  await d.destroy(s.uuid);
});

test('a resume recreates the devices the guest was started with, not the ones configured now', async () => {
  const balloon = (args: string[] | undefined) => (args ?? []).some((a) => a.startsWith('virtio-balloon-pci'));
  const { d: before } = await driver({ freePageReporting: false, tcgTbSizeMb: 16 });
  const s = spec();
  assert.equal(balloon((await before.spawn(s)).command?.args), false);
  await before.suspend(s.uuid);
  await before.close();
  // nova.conf now asks for free page reporting: a fresh start gets the balloon, the resume does not
  const { d } = await driver({ freePageReporting: true, tcgTbSizeMb: 16 });
  const resumed = await d.resume(s.uuid);
  assert.equal(balloon(resumed.command?.args), false, 'the saved state has no balloon to load into');
  assert.ok(resumed.command?.args.includes('tcg,tb-size=16'));
  await d.powerOff(s.uuid);
  assert.equal(balloon((await d.powerOn(s.uuid)).command?.args), true, 'a fresh boot takes the configured devices');
  await d.suspend(s.uuid);
  assert.equal(balloon((await d.resume(s.uuid)).command?.args), true, 'and keeps them across suspend and resume');
  // a guest suspended by a version that recorded nothing had no optional devices
  await d.suspend(s.uuid);
  fs.rmSync(instanceFiles(instancesDir, s.uuid).machine);
  assert.equal(balloon((await d.resume(s.uuid)).command?.args), false);
  await d.destroy(s.uuid);
});

test('a QEMU that exits at start is a RetryableSpawnError carrying its words, and leaves nothing', async () => {
  const { d } = await driver({ env: { FAKE_QEMU_FAIL: '1' } });
  const s = spec();
  await assert.rejects(d.spawn(s), (e: Error) => e instanceof RetryableSpawnError && /injected start failure/.test(e.message));
  assert.equal(fs.existsSync(instanceFiles(instancesDir, s.uuid).dir), false);
});

test('an accelerator the host lacks is retryable; a bad spec is not, and creates nothing', async () => {
  const { d } = await driver();
  await assert.rejects(d.spawn(spec({ accel: 'kvm' })), RetryableSpawnError);
  const bad = spec({ hostname: 'bad name' });
  await assert.rejects(d.spawn(bad), (e: Error) => !(e instanceof RetryableSpawnError) && /hostname/.test(e.message));
  assert.equal(fs.existsSync(instanceFiles(instancesDir, bad.uuid).dir), false);
});

test('a whole-disk aarch64 guest gets its own copy of the UEFI variable store; the code is mapped read-only', async () => {
  const code = path.join(tmp, 'CODE.fd');
  const vars = path.join(tmp, 'VARS.fd');
  fs.writeFileSync(code, 'code');
  fs.writeFileSync(vars, 'the template variable store');
  const { d } = await driver({ uefiCandidates: { aarch64: [{ code, varsTemplate: vars }] } });
  const s = spec({ arch: 'aarch64', image: { ...spec().image, kernel: null } });
  const h = await d.spawn(s);
  const f = instanceFiles(instancesDir, s.uuid);
  assert.equal(fs.readFileSync(f.nvram, 'utf8'), 'the template variable store');
  assert.equal(fs.statSync(f.nvram).mode & 0o777, 0o600);
  const second = spec({ arch: 'aarch64', image: { ...spec().image, kernel: null } });
  // A template of zeros with data in the middle (AAVMF's is 64 MiB of zeros): same bytes, sparse.
  const big = Buffer.alloc(8 * 1024 * 1024);
  big.write('variables', 3 * 1024 * 1024 + 5);
  fs.writeFileSync(vars, big);
  await d.spawn(second);
  const copy = instanceFiles(instancesDir, second.uuid).nvram;
  assert.ok(fs.readFileSync(copy).equals(big));
  assert.ok(fs.statSync(copy).blocks * 512 < big.length / 4, `${fs.statSync(copy).blocks} blocks`);
  fs.writeFileSync(vars, 'the template variable store');
  await d.destroy(second.uuid);
  assert.ok(h.command!.args.includes(`if=pflash,format=raw,unit=0,readonly=on,file=${code}`));
  assert.ok(h.command!.args.includes(`if=pflash,format=raw,unit=1,file=${f.nvram}`));
  // The guest writes its own store, never the template; the store outlives a stop and start.
  fs.writeFileSync(f.nvram, 'boot entries');
  assert.equal(fs.readFileSync(vars, 'utf8'), 'the template variable store');
  await d.powerOff(s.uuid);
  await d.powerOn(s.uuid);
  assert.equal(fs.readFileSync(f.nvram, 'utf8'), 'boot entries');
  await d.destroy(s.uuid);
  assert.equal(fs.existsSync(f.dir), false);
});

test('a whole-disk UEFI guest on a host without the firmware: a fault naming the package, nothing created', async () => {
  const { d } = await driver({
    uefiCandidates: { aarch64: [{ code: path.join(tmp, 'none.fd'), varsTemplate: path.join(tmp, 'none-vars.fd') }] },
  });
  const s = spec({ arch: 'aarch64', image: { ...spec().image, kernel: null } });
  await assert.rejects(
    d.spawn(s),
    (e: Error) => !(e instanceof RetryableSpawnError) && /install Debian's qemu-efi-aarch64 package/.test(e.message),
  );
  assert.equal(fs.existsSync(instanceFiles(instancesDir, s.uuid).dir), false);
  // A kernel image of the same architecture still boots without any firmware file.
  const k = spec({ arch: 'aarch64' });
  await d.spawn(k);
  await d.destroy(k.uuid);
});

test('a new driver adopts running guests, reports vanished ones, and notices an adopted one dying', async () => {
  const first = await driver();
  const s = spec();
  const { pid } = await first.d.spawn(s);
  await first.d.close(); // the compute process goes away; QEMU does not
  const gone = randomUUID();
  fs.mkdirSync(path.join(instancesDir, gone));
  fs.writeFileSync(instanceFiles(instancesDir, gone).pidFile, '999999\n');
  const second = await driver();
  assert.deepEqual(await second.d.adopt(), { adopted: [s.uuid], vanished: [gone] });
  assert.equal(await second.d.getPowerState(s.uuid), 'running');
  process.kill(pid!, 'SIGKILL');
  const e = await until('exit of the adopted guest', () => second.exits.find((x) => x.uuid === s.uuid));
  assert.equal(e.info.reason, 'vanished');
  await second.d.destroy(s.uuid);
  await second.d.destroy(gone);
});

test('a unix-socket console: the socket is owner-only (0600) in an owner-only directory, and no password', async () => {
  const { d } = await driver();
  const s = spec();
  const h = await d.spawn(s);
  const f = instanceFiles(instancesDir, s.uuid);
  assert.deepEqual(h.vnc, { unixSocket: f.vncSocket });
  assert.equal(fs.statSync(f.vncSocket).mode & 0o777, 0o600);
  assert.equal(fs.statSync(f.socketDir).mode & 0o777, 0o700);
  assert.deepEqual(await d.getVncConsole(s.uuid), { unixSocket: f.vncSocket });
  await d.destroy(s.uuid);
});

test("a TCP console gets a random per-guest VNC password over QMP, kept for the guest's life; an adopted guest gets a new one", async () => {
  const first = await driver();
  const a = spec({ vnc: { kind: 'tcp', host: '127.0.0.1' } });
  const b = spec({ vnc: { kind: 'tcp', host: '127.0.0.1' } });
  const ha = await first.d.spawn(a);
  const hb = await first.d.spawn(b);
  const pa = 'password' in ha.vnc ? ha.vnc.password : undefined;
  assert.match(pa ?? '', /^[A-Za-z0-9_-]{8}$/);
  assert.ok(!ha.command!.args.join(' ').includes(pa!), 'the password is not on the command line');
  assert.notEqual('password' in hb.vnc ? hb.vnc.password : undefined, pa);
  assert.deepEqual(await first.d.getVncConsole(a.uuid), ha.vnc);
  await first.d.close(); // the compute process goes away (its guests stay; the passwords it kept in memory go)
  const second = await driver();
  await second.d.adopt();
  const again = await second.d.getVncConsole(a.uuid);
  assert.ok('password' in again && again.password && again.password !== pa);
  await second.d.destroy(a.uuid);
  await second.d.destroy(b.uuid);
});

test('rescue: the rescue overlay boots as vda with the own disk as vdb, across a power cycle; unrescue drops it', async () => {
  const { d, exits } = await driver();
  const s = spec();
  await d.spawn(s);
  const f = instanceFiles(instancesDir, s.uuid);
  const rescueImage = { ...s.image, cmdline: 'console=ttyS0 rescue' };
  const h = await d.rescue(s.uuid, rescueImage);
  const drives = (args: string[]) => args.flatMap((a, i) => (args[i - 1] === '-drive' ? [a.split(',')[0]] : []));
  assert.deepEqual(drives(h.command!.args), [`file=${f.rescueDisk}`, `file=${f.disk}`]);
  assert.ok(h.command!.args.join(' ').includes('console=ttyS0 rescue'));
  assert.ok(fs.existsSync(f.rescueDisk) && fs.existsSync(f.rescueSpec));
  // A rescued guest stays rescued when it is powered off and on again.
  await d.powerOff(s.uuid);
  const again = await d.powerOn(s.uuid);
  assert.deepEqual(drives(again.command!.args), [`file=${f.rescueDisk}`, `file=${f.disk}`]);
  await assert.rejects(d.rescue(s.uuid, rescueImage), /already rescued/);
  const back = await d.unrescue(s.uuid);
  assert.deepEqual(drives(back.command!.args), [`file=${f.disk}`]);
  assert.ok(!fs.existsSync(f.rescueDisk) && !fs.existsSync(f.rescueSpec));
  assert.equal(await d.getPowerState(s.uuid), 'running');
  await assert.rejects(d.unrescue(s.uuid), /not rescued/);
  assert.equal(exits.length, 0, 'the stops rescue and unrescue asked for are not reported as exits');
  await d.destroy(s.uuid);
});

test('rescue with a missing rescue image changes nothing: the guest keeps running on its own disk', async () => {
  const { d } = await driver();
  const s = spec();
  const h = await d.spawn(s);
  await assert.rejects(d.rescue(s.uuid, { ...s.image, disk: path.join(tmp, 'missing.qcow2') }), /rescue image file missing/);
  const f = instanceFiles(instancesDir, s.uuid);
  assert.ok(!fs.existsSync(f.rescueSpec));
  assert.deepEqual(await d.listRunning(), [s.uuid]);
  assert.equal(Number(fs.readFileSync(f.pidFile, 'utf8')), h.pid);
  await d.destroy(s.uuid);
});

test('a move abandoned by a delete leaves no copy: neither the source copy nor the one made for the destination', async () => {
  const { d } = await driver();
  const s = spec();
  await d.spawn(s);
  const destDir = path.join(tmp, 'dest-instances');
  await d.migrateDiskAndPowerOff(s.uuid, destDir);
  const copied = instanceFiles(destDir, s.uuid);
  assert.ok(fs.existsSync(copied.disk), 'the disk was copied for the destination');
  // The delete: the guest and its directory go here, as terminate does.
  await d.destroy(s.uuid);
  await d.abandonMigration(s.uuid, destDir);
  const here = instanceFiles(instancesDir, s.uuid);
  assert.equal(fs.existsSync(copied.dir), false, 'no copy left at the destination');
  assert.equal(fs.existsSync(`${here.dir}_resize`), false, 'no source copy left here');
  assert.equal(fs.existsSync(here.dir), false);
});
