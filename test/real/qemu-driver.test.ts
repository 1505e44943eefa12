// The QEMU driver on its own (no other service) with the real guest images: real QEMU
// processes, real serial logs, real QMP. Generous timeouts: CI is 2 cores under TCG.
// No QEMU outlives this file: after() kills every QEMU whose command line names its
// temporary directory, whatever failed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { DriverHostReport, GuestArch, GuestExitInfo, GuestSpec, VncAddress } from '../../backend/compute/driver.js';
import { QemuDriver, type QemuDriverOptions } from '../../backend/compute/drivers/qemu/qemu-driver.js';
import { instanceFiles } from '../../backend/compute/drivers/qemu/instance-files.js';
import { vncAuthResponse } from '../../backend/console/vnc-auth.js';

const root = findRoot(path.dirname(new URL(import.meta.url).pathname));
const images = path.join(root, 'resources', 'images');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-qemu-real-'));
const instancesDir = path.join(tmp, 'instances');
const BANNER = /novalab login: (\S+) \((\S+)\)/g;
let metadata: http.Server;
let metadataPort = 0;
let options: QemuDriverOptions;
let driver: QemuDriver;
let report: DriverHostReport;
const drivers: QemuDriver[] = [];
const exits: { uuid: string; info: GuestExitInfo; at: number }[] = [];

function findRoot(dir: string): string {
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir) throw new Error('repository root not found');
    dir = path.dirname(dir);
  }
  return dir;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function spec(arch: GuestArch, hostname: string): GuestSpec {
  const manifest = JSON.parse(fs.readFileSync(path.join(images, 'manifest.json'), 'utf8')) as { images: Record<string, string>[] };
  const img = manifest.images.find((i) => i.architecture === arch)!;
  const uuid = randomUUID();
  return {
    uuid,
    name: 'instance-0000002a',
    hostname,
    arch,
    vcpus: 1,
    memoryMb: 256,
    image: {
      kernel: path.join(images, img.kernel!),
      ramdisk: path.join(images, img.ramdisk!),
      disk: path.join(images, img.disk!),
      diskFormat: 'qcow2',
      cmdline: img.os_command_line!,
    },
    network: { mac: 'fa:16:3e:12:34:56', fixedIp: '169.254.10.7' },
    metadata: options.forwarder ? { address: `127.0.0.1:${metadataPort}`, hmacSecretFile: path.join(tmp, 'secret') } : null,
    vnc: { kind: 'unix' },
    accel: report.accelerators[arch]!,
  };
}

const banners = async (d: QemuDriver, uuid: string) => [...(await d.getConsoleOutput(uuid)).matchAll(BANNER)];
const logSize = (uuid: string) => fs.statSync(instanceFiles(instancesDir, uuid).consoleLog).size;
const ticks = async (uuid: string) => [...(await driver.getConsoleOutput(uuid)).matchAll(/tick (\d+\.\d+)/g)].map((m) => Number(m[1]));

/** Types a line on the guest's VGA console (tty1 runs a root shell) as a VNC client
 *  would: RFB 3.8 over the instance's vnc.sock with no authentication (or over TCP with the
 *  guest's VNC password), one KeyEvent per key
 *  (X11 keysyms; Shift held for shifted characters, as a keyboard does). */
async function typeLine(
  uuid: string,
  text: string,
  vnc: VncAddress = { unixSocket: instanceFiles(instancesDir, uuid).vncSocket },
): Promise<void> {
  const sock = 'unixSocket' in vnc ? net.connect(vnc.unixSocket) : net.connect(vnc.port, vnc.host);
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  const read = async (n: number) => {
    await waitFor(`${n} bytes from VNC`, 10_000, () => buf.length >= n);
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  try {
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    assert.equal((await read(12)).toString(), 'RFB 003.008\n');
    sock.write('RFB 003.008\n');
    const types = await read((await read(1))[0]!);
    if ('unixSocket' in vnc || vnc.password === undefined) {
      assert.ok(types.includes(1), 'VNC offers no authentication on its private socket');
      sock.write(Buffer.from([1]));
    } else {
      // TCP: QEMU asks for the guest's VNC password (what nova-novncproxy answers for the browser).
      assert.deepEqual([...types], [2], 'VNC on TCP offers only VNC authentication');
      sock.write(Buffer.from([2]));
      sock.write(vncAuthResponse(vnc.password, await read(16)));
    }
    assert.equal((await read(4)).readUInt32BE(0), 0, 'security handshake');
    sock.write(Buffer.from([1])); // ClientInit: shared
    const init = await read(24);
    await read(init.readUInt32BE(20)); // desktop name
    const key = (sym: number, down: boolean) => {
      const m = Buffer.alloc(8);
      m.writeUInt8(4, 0);
      m.writeUInt8(down ? 1 : 0, 1);
      m.writeUInt32BE(sym, 4);
      sock.write(m);
    };
    for (const ch of text + '\n') {
      const shift = /[A-Z:>$()&|"*]/.test(ch);
      const sym = ch === '\n' ? 0xff0d : ch.charCodeAt(0);
      if (shift) key(0xffe1, true);
      key(sym, true);
      key(sym, false);
      if (shift) key(0xffe1, false);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    sock.destroy();
  }
}

function killStrays(): void {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tmp)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function newDriver(): Promise<QemuDriver> {
  const d = new QemuDriver(options);
  drivers.push(d);
  report = await d.init({ host: 'real-test', instancesDir });
  d.onGuestExit((uuid, info) => exits.push({ uuid, info, at: Date.now() }));
  return d;
}

describe('QEMU driver with real guests', { timeout: 600_000 }, () => {
  before(async () => {
    try {
      execFileSync('bash', [path.join(root, 'scripts/build-images.sh'), '--check'], { stdio: 'ignore' });
    } catch {
      execFileSync('bash', [path.join(root, 'scripts/build-images.sh')], { stdio: 'inherit', timeout: 1_200_000 });
    }
    fs.writeFileSync(path.join(tmp, 'secret'), 'test-secret\n', { mode: 0o600 });
    metadata = http.createServer((req, res) => {
      const id = String(req.headers['x-instance-id'] ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ uuid: id, hostname: `md-${id.slice(0, 8)}` }));
    });
    await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r));
    metadataPort = (metadata.address() as { port: number }).port;
    const script = path.join(root, 'dist/backend/compute/drivers/qemu/metadata-forwarder.js');
    options = {
      accelCacheFile: path.join(tmp, 'accelerator.json'),
      probeKernels: { x86_64: path.join(images, 'x86_64/vmlinuz'), aarch64: path.join(images, 'aarch64/vmlinuz') },
      forwarder: fs.existsSync(script) ? { node: process.execPath, script } : null,
      powerOffTimeoutMs: 2000,
    };
    driver = await newDriver();
  });

  after(async () => {
    for (const d of drivers) await d.close({ stopGuests: true, timeoutMs: 500 }).catch(() => undefined);
    killStrays();
    metadata?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reports the accelerator a probe chose, with the reason, and both architectures', () => {
    assert.ok(['tcg', 'kvm', 'hvf', 'whpx'].includes(report.accelerator));
    assert.match(report.acceleratorReason, /using (tcg|kvm|hvf|whpx)/);
    assert.ok(fs.existsSync(options.accelCacheFile), 'the decision is cached');
    assert.deepEqual(
      report.supported_instances.filter((s) => s[1] === 'qemu').map((s) => s[0]),
      ['x86_64', 'aarch64'],
    );
    if (fs.existsSync('/dev/kvm') && report.accelerator === 'tcg') assert.match(report.acceleratorReason, /^kvm: /);
  });

  let x86: GuestSpec;
  it('spawns an x86_64 guest: a QEMU process for it, and its banner in the serial log', { timeout: 120_000 }, async () => {
    x86 = spec('x86_64', 'real-x86');
    const t0 = Date.now();
    const handle = await driver.spawn(x86);
    assert.match(fs.readFileSync(`/proc/${handle.pid}/cmdline`, 'utf8'), new RegExp(`qemu-system-x86_64\0.*${x86.uuid}`));
    assert.deepEqual(handle.vnc, { unixSocket: instanceFiles(instancesDir, x86.uuid).vncSocket });
    assert.deepEqual(await driver.listRunning(), [x86.uuid]);
    const banner = await waitFor('the banner', 90_000, async () => (await banners(driver, x86.uuid))[0]);
    console.log(`x86_64: spawn → banner in ${Date.now() - t0} ms`);
    assert.equal(banner[2], x86.uuid);
    if (options.forwarder) assert.equal(banner[1], `md-${x86.uuid.slice(0, 8)}`, 'hostname came from the metadata service');
  });

  it("reports its statistics from QMP: the vCPU thread's CPU time and the disk it read", { timeout: 30_000 }, async () => {
    const stats = await driver.getStats(x86.uuid);
    assert.equal(stats.cpus.length, x86.vcpus);
    assert.equal(stats.cpus[0]!.id, 0);
    assert.ok((stats.cpus[0]!.timeNs ?? 0) > 0, `vCPU time ${stats.cpus[0]!.timeNs}`);
    const vda = stats.disks.find((d) => d.name === 'vda');
    assert.ok(vda && vda.readBytes > 0 && vda.readRequests > 0, JSON.stringify(stats.disks));
  });

  it('takes keys on its console, and what it prints grows the serial log', { timeout: 60_000 }, async () => {
    await waitFor('ticks on the serial port', 40_000, async () => {
      if ((await ticks(x86.uuid)).length === 0)
        await typeLine(x86.uuid, 'while :; do echo tick $(cat /proc/uptime) >/dev/ttyS0; sleep 1; done &').catch((e: Error) =>
          console.log('typing failed:', e.message),
        );
      return waitFor('a tick', 8000, async () => (await ticks(x86.uuid)).length > 1).catch(() => false);
    });
  });

  it('pause stops the serial log; unpause lets it go on', { timeout: 60_000 }, async () => {
    await driver.pause(x86.uuid);
    assert.equal(await driver.getPowerState(x86.uuid), 'paused');
    const size = logSize(x86.uuid);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(logSize(x86.uuid), size, 'no output while paused');
    await driver.unpause(x86.uuid);
    assert.equal(await driver.getPowerState(x86.uuid), 'running');
    await waitFor('output after unpause', 20_000, () => logSize(x86.uuid) > size);
  });

  it('suspend saves the state and ends the process; resume continues where it was', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    await driver.suspend(x86.uuid);
    console.log(
      `x86_64: suspend took ${Date.now() - t0} ms, state ${fs.statSync(instanceFiles(instancesDir, x86.uuid).suspendState).size} bytes`,
    );
    assert.deepEqual(await driver.listRunning(), []);
    assert.equal(await driver.getPowerState(x86.uuid), 'suspended');
    const last = (await ticks(x86.uuid)).at(-1)!;
    await new Promise((r) => setTimeout(r, 2000));
    const t1 = Date.now();
    await driver.resume(x86.uuid);
    console.log(`x86_64: resume took ${Date.now() - t1} ms`);
    assert.equal(await driver.getPowerState(x86.uuid), 'running');
    const after = await waitFor('a tick after resume', 30_000, async () => (await ticks(x86.uuid)).find((t) => t > last));
    assert.ok(after < last + 10, `uptime went on from ${last} (now ${after}), no reboot`);
    assert.equal((await banners(driver, x86.uuid)).length, 1, 'no second boot');
    assert.equal(exits.length, 0, 'a suspend is not an unexpected exit');
  });

  it('a soft reboot (Ctrl-Alt-Del) makes the guest boot again', { timeout: 120_000 }, async () => {
    await driver.reboot(x86.uuid, 'SOFT');
    await waitFor('a second banner', 90_000, async () => (await banners(driver, x86.uuid)).length >= 2);
  });

  it('a restarted driver re-adopts the running guest and notices its kill -9 within seconds', { timeout: 120_000 }, async () => {
    await driver.close(); // a compute process going away leaves its guests running
    const pid = Number(fs.readFileSync(instanceFiles(instancesDir, x86.uuid).pidFile, 'utf8'));
    assert.ok(fs.existsSync(`/proc/${pid}`));
    driver = await newDriver();
    assert.deepEqual(await driver.adopt(), { adopted: [x86.uuid], vanished: [] });
    assert.equal(await driver.getPowerState(x86.uuid), 'running');
    const t0 = Date.now();
    process.kill(pid, 'SIGKILL');
    const exit = await waitFor('onGuestExit', 10_000, () => exits.find((e) => e.uuid === x86.uuid));
    console.log(`adopted guest killed: noticed in ${exit.at - t0} ms (${exit.info.reason})`);
    assert.ok(exit.at - t0 < 5000);
    assert.equal(await driver.getPowerState(x86.uuid), 'shutdown');
  });

  it('powerOn boots it again with the same disk; kill -9 of its QEMU child is noticed at once', { timeout: 120_000 }, async () => {
    exits.length = 0;
    const handle = await driver.powerOn(x86.uuid);
    await waitFor('the banner of the next boot', 90_000, async () => (await banners(driver, x86.uuid)).length >= 3);
    const t0 = Date.now();
    process.kill(handle.pid!, 'SIGKILL');
    const exit = await waitFor('onGuestExit', 10_000, () => exits.find((e) => e.uuid === x86.uuid));
    assert.equal(exit.info.reason, 'killed');
    assert.equal(exit.info.signal, 'SIGKILL');
    assert.ok(exit.at - t0 < 2000);
  });

  it('powerOff of a guest that ignores ACPI stops it hard after the timeout', { timeout: 120_000 }, async () => {
    await driver.powerOn(x86.uuid);
    await driver.powerOff(x86.uuid, { timeoutMs: 1500 });
    assert.equal(await driver.getPowerState(x86.uuid), 'shutdown');
    assert.deepEqual(await driver.listRunning(), []);
    assert.equal(exits.length, 1, 'a requested stop is not reported as an exit');
  });

  it('a guest that powers itself off is reported as a guest shutdown', { timeout: 120_000 }, async () => {
    exits.length = 0;
    await driver.powerOn(x86.uuid);
    const boots = (await banners(driver, x86.uuid)).length;
    await waitFor('the banner of the next boot', 90_000, async () => (await banners(driver, x86.uuid)).length > boots);
    const exit = await waitFor('onGuestExit after poweroff', 60_000, async () => {
      await typeLine(x86.uuid, 'poweroff -f').catch(() => undefined);
      return waitFor('the exit', 8000, () => exits.find((e) => e.uuid === x86.uuid)).catch(() => undefined);
    });
    assert.equal(exit.info.reason, 'guest-shutdown');
    assert.equal(await driver.getPowerState(x86.uuid), 'shutdown');
  });

  it('destroy leaves no process and no file', { timeout: 60_000 }, async () => {
    const { pid } = await driver.powerOn(x86.uuid);
    await driver.destroy(x86.uuid);
    assert.equal(fs.existsSync(`/proc/${pid}`), false);
    assert.equal(fs.existsSync(path.join(instancesDir, x86.uuid)), false);
    assert.equal(await driver.getPowerState(x86.uuid), 'nostate');
  });

  it(
    'aarch64: the banner reaches the log; its serial console takes keys over VNC (TCP); destroy leaves nothing',
    { timeout: 120_000 },
    async () => {
      const arm: GuestSpec = { ...spec('aarch64', 'real-arm'), vnc: { kind: 'tcp', host: '127.0.0.1' } };
      const t0 = Date.now();
      const { pid, vnc } = await driver.spawn(arm);
      assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^qemu-system-aarch64\0/);
      const banner = await waitFor('the banner', 90_000, async () => (await banners(driver, arm.uuid))[0]);
      console.log(`aarch64: spawn → banner in ${Date.now() - t0} ms`);
      assert.equal(banner[2], arm.uuid);
      if (options.forwarder) assert.equal(banner[1], `md-${arm.uuid.slice(0, 8)}`, 'virtio-net-pci and the metadata route work on aarch64');
      assert.ok('port' in vnc && vnc.port >= 5900, `VNC on a TCP port: ${JSON.stringify(vnc)}`);
      assert.deepEqual(await driver.getVncConsole(arm.uuid), vnc);
      await waitFor('the typed line in the console log', 40_000, async () => {
        await typeLine(arm.uuid, 'echo typed-$((6*7))', vnc);
        return waitFor('echo', 5000, async () => (await driver.getConsoleOutput(arm.uuid)).includes('typed-42')).catch(() => false);
      });
      await driver.destroy(arm.uuid);
      assert.equal(fs.existsSync(`/proc/${pid}`), false);
      assert.deepEqual(fs.readdirSync(instancesDir), []);
    },
  );
});
