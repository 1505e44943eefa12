// Whole-disk images, as every real cloud boots them, with the real openstack CLI and real
// QEMU: a disk built from Debian packages (scripts/build-disk-images.sh: GRUB on an MBR disk
// for SeaBIOS, on an EFI system partition for UEFI) is uploaded with `openstack image create`
// and booted with `openstack server create`; the guest reaches its login banner through its
// own bootloader on x86_64 and aarch64, with the hostname, instance id and user data it got
// from the metadata service (a firmware boot has no kernel command line to fall back on).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { appRoot } from '../../backend/common/app-root.js';
import { startLab, processTree, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
const ROOT = appRoot();
const DISKS = path.join(ROOT, 'resources', 'images', 'whole-disk');
let lab: LabHandle;
let userData: string;

async function openstack(...args: string[]): Promise<string> {
  try {
    return (await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024, timeout: 300_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')}: ${e.stderr || e.message}`, { cause: err });
  }
}
const json = async (...args: string[]) => JSON.parse(await openstack(...args, '-f', 'json')) as Record<string, unknown>;

/** The command line of the QEMU process running this instance (QEMU renames its thread). */
function qemuArgv(uuid: string): string[] | null {
  for (const pid of processTree(lab.child.pid!)) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0]!).startsWith('qemu-system') && argv.includes(uuid)) return argv;
    } catch {
      /* gone */
    }
  }
  return null;
}

/** ms from now until the instance's console log (read on the host) shows the banner: a
 *  figure for the report, finer than polling the CLI. */
async function msToBanner(uuid: string): Promise<number> {
  const t0 = Date.now();
  const hosts = path.join(lab.stateDir, 'hosts');
  await eventually(
    'the banner in the console log',
    () =>
      fs.readdirSync(hosts).some((h) => {
        const log = path.join(hosts, h, 'instances', uuid, 'console.log');
        return fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('novalab login:');
      }),
    600_000,
    100,
  );
  return Date.now() - t0;
}

before(async () => {
  // Builds what is missing (the lab images first); a no-op when current.
  let started = Date.now();
  execFileSync('bash', [path.join(ROOT, 'scripts/build-disk-images.sh')], { stdio: 'inherit', timeout: 20 * 60_000 });
  console.log(`# whole-disk images ready in ${Date.now() - started} ms`);
  started = Date.now();
  lab = await startLab({ timeoutMs: 600_000 });
  console.log(`# lab up in ${Date.now() - started} ms`);
  userData = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-ud-')), 'hello.sh');
  fs.writeFileSync(userData, '#!/bin/sh\necho "user data says hello from $(hostname)"\n');
});
after(async () => {
  await lab?.stop();
  if (userData) fs.rmSync(path.dirname(userData), { recursive: true, force: true });
});

/** The x86_64 disk carries both bootloaders, as Debian's cloud images do: SeaBIOS by default,
 *  OVMF when the image says hw_firmware_type=uefi. aarch64 has UEFI only. */
const cases = [
  { arch: 'x86_64', firmware: 'bios', binary: 'qemu-system-x86_64', code: null },
  { arch: 'x86_64', firmware: 'uefi', binary: 'qemu-system-x86_64', code: '/usr/share/OVMF/OVMF_CODE_4M.fd' },
  { arch: 'aarch64', firmware: 'uefi', binary: 'qemu-system-aarch64', code: '/usr/share/AAVMF/AAVMF_CODE.fd' },
] as const;

for (const c of cases) {
  test(`${c.arch}: a whole-disk image uploaded with the CLI boots through ${c.firmware === 'bios' ? 'SeaBIOS' : 'UEFI'} to its banner, with its metadata`, async (t) => {
    const disk = path.join(DISKS, c.arch, 'disk.qcow2');
    const imageName = `course-disk-${c.arch}-${c.firmware}`;
    const server = `disk-${c.arch.replace('_', '-')}-${c.firmware}`;
    const props = ['--property', `architecture=${c.arch}`, '--property', 'os_distro=debian'];
    if (c.firmware === 'uefi') props.push('--property', 'hw_firmware_type=uefi');
    const image = await json(
      'image',
      'create',
      '--disk-format',
      'qcow2',
      '--container-format',
      'bare',
      '--file',
      disk,
      ...props,
      imageName,
    );
    // The CLI prints the record it created before the upload; the upload is done when it exits.
    assert.equal((await json('image', 'show', image.id as string)).status, 'active');

    const started = Date.now();
    const created = await json('server', 'create', '--flavor', 'm1.tiny', '--image', imageName, '--user-data', userData, '--wait', server);
    assert.equal(created.status, 'ACTIVE');
    const id = created.id as string;
    const active = Date.now() - started;

    // Booted by the firmware: no kernel handed to QEMU; UEFI as pflash with the instance's own store.
    const argv = qemuArgv(id);
    assert.ok(argv, `no QEMU process for ${id}`);
    assert.equal(path.basename(argv[0]!), c.binary);
    assert.ok(!argv.includes('-kernel'), argv.join(' '));
    assert.ok(argv.includes('virtio-blk-pci,drive=disk0,bootindex=0'), argv.join(' '));
    const pflash = argv.filter((a) => a.startsWith('if=pflash'));
    if (c.firmware === 'bios') assert.deepEqual(pflash, []);
    else {
      assert.equal(pflash[0], `if=pflash,format=raw,unit=0,readonly=on,file=${c.code}`);
      const nvram = /file=(.*)$/.exec(pflash[1]!)![1]!;
      assert.equal(path.basename(nvram), 'nvram.fd');
      assert.ok(nvram.includes(id) && fs.existsSync(nvram), `the variable store is the instance's own: ${nvram}`);
    }

    const banner = await msToBanner(id);
    const log = await eventually(
      `${server}'s banner and user data`,
      async () => {
        const text = await openstack('console', 'log', 'show', server);
        return text.includes('user data says hello') ? text : null;
      },
      600_000,
      2000,
    );
    t.diagnostic(`${c.arch} ${c.firmware}: ACTIVE ${active} ms after server create; the banner ${banner} ms after ACTIVE`);
    // The hostname and id came from the metadata service: nothing else tells this guest its id.
    assert.ok(log.includes(`novalab login: ${server} (${id})`), log.slice(-3000));
    assert.ok(log.includes(`user data says hello from ${server}`), log.slice(-3000));
    assert.ok(!log.includes('no answer from the metadata service'), log.slice(-3000));

    await openstack('server', 'delete', '--wait', server);
    assert.equal(qemuArgv(id), null, 'delete stops the guest');
  });
}

test('the lab registers its own whole-disk images with their firmware properties', async () => {
  for (const c of [cases[0], cases[2]]) {
    const image = await json('image', 'show', `novalab-disk-${c.arch}`);
    const props = image.properties as Record<string, string>;
    assert.equal(image.disk_format, 'qcow2');
    assert.equal(props.architecture, c.arch);
    assert.equal(props.hw_firmware_type, c.firmware);
    assert.equal(props.os_distro, 'debian');
    assert.equal(props.kernel_id, undefined, 'a whole-disk image names no kernel');
  }
});
