// Rebuild and rescue with real QEMU guests and the real openstack CLI, as a user tries them.
// The guest's user data keeps a marker on its root disk (/dev/vda, mounted on /mnt) and says
// on the serial console what it finds, so the console shows which disk each boot has:
// - `server rescue`: the rescue guest boots (banner) with the own disk as vdb, marker inside;
// - `server unrescue`: ACTIVE again, booted from the own disk (the marker is still there);
// - `server rebuild --image <other>`: ACTIVE on the other image (its kernel command line),
//   on a fresh disk (no marker: a rebuild, unlike a reboot, starts the disk over).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { appRoot } from '../../backend/common/app-root.js';
import { cliEnv, eventually, startLab, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;
let id: string;

async function openstack(...args: string[]): Promise<string> {
  try {
    return (await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024, timeout: 600_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')}: ${e.stderr || e.message}`, { cause: err });
  }
}
const show = async () => JSON.parse(await openstack('server', 'show', 'vm-rr', '-f', 'json')) as Record<string, unknown>;
const consoleLog = () => openstack('console', 'log', 'show', 'vm-rr');
const statusIs = (want: string) => eventually(`vm-rr ${want}`, async () => ((await show()).status === want ? true : null), 300_000, 1000);
/** Wait for the last boot's banner (the log of a guest's directory spans its boots) and a line matching `re` after it. */
const bootSays = (what: string, re: RegExp) =>
  eventually(
    what,
    async () => {
      const log = await consoleLog();
      const boot = log.slice(log.lastIndexOf('novalab login:'));
      return boot.includes(`novalab login: vm-rr (${id})`) && re.test(boot) ? boot : null;
    },
    300_000,
    2000,
  );

const USER_DATA = `#!/bin/sh
say() { echo "$*" > /dev/ttyS0; }
if [ -b /dev/vdb ]; then
  mkdir -p /own && mount -t ext4 /dev/vdb /own && say "rescue: vdb holds marker $(cat /own/marker 2>/dev/null || echo none)"
elif [ -f /mnt/marker ]; then
  say "own disk: marker $(cat /mnt/marker)"
else
  echo "m$(cut -c1-8 /proc/sys/kernel/random/uuid)" > /mnt/marker && sync && say "fresh disk: wrote marker $(cat /mnt/marker)"
fi
say "cmdline: $(cat /proc/cmdline)"
`;

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-rr-'));
  fs.writeFileSync(path.join(dir, 'marker.sh'), USER_DATA);
  // The other image: the same disk, kernel and initrd, told apart by its kernel command line.
  const base = JSON.parse(await openstack('image', 'show', 'novalab-x86_64', '-f', 'json')) as { properties: Record<string, string> };
  const p = base.properties;
  await openstack(
    'image',
    'create',
    '--disk-format',
    'qcow2',
    '--container-format',
    'bare',
    '--public',
    '--file',
    path.join(appRoot(), 'resources', 'images', 'x86_64', 'disk.qcow2'),
    '--property',
    `kernel_id=${p.kernel_id}`,
    '--property',
    `ramdisk_id=${p.ramdisk_id}`,
    '--property',
    'architecture=x86_64',
    '--property',
    'hypervisor_type=qemu',
    '--property',
    `os_command_line=${p.os_command_line} novalab.image=other`,
    'novalab-x86_64-other',
  );
  const created = JSON.parse(
    await openstack(
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'novalab-x86_64',
      '--user-data',
      path.join(dir, 'marker.sh'),
      '--wait',
      'vm-rr',
      '-f',
      'json',
    ),
  ) as { id: string; status: string };
  assert.equal(created.status, 'ACTIVE');
  id = created.id;
});
after(async () => {
  await lab?.stop();
});

let marker = '';

test('the first boot writes a marker on its fresh root disk', async () => {
  const boot = await bootSays('first boot', /fresh disk: wrote marker (m\w+)/);
  marker = /fresh disk: wrote marker (m\w+)/.exec(boot)![1]!;
});

test('server rescue: the rescue guest boots with the own disk as its second disk', async () => {
  await openstack('server', 'rescue', 'vm-rr');
  await statusIs('RESCUE');
  const boot = await bootSays('the rescue boot', /rescue: vdb holds marker/);
  assert.match(boot, new RegExp(`rescue: vdb holds marker ${marker}`), boot);
});

test('server unrescue: ACTIVE again, booted from its own disk', async () => {
  await openstack('server', 'unrescue', 'vm-rr');
  await statusIs('ACTIVE');
  const boot = await bootSays('the boot after unrescue', /own disk: marker/);
  assert.match(boot, new RegExp(`own disk: marker ${marker}`), boot);
  assert.doesNotMatch(boot, /novalab\.image=other/);
});

test('server rebuild --image: the guest boots again from the other image, on a fresh disk', async () => {
  await openstack('server', 'rebuild', '--image', 'novalab-x86_64-other', '--wait', 'vm-rr');
  const s = await show();
  assert.equal(s.status, 'ACTIVE');
  assert.match(String(s.image), /^novalab-x86_64-other \(/);
  const boot = await bootSays('the rebuilt guest', /cmdline: .*novalab\.image=other/);
  assert.match(boot, /fresh disk: wrote marker/, boot);
  assert.doesNotMatch(boot, new RegExp(marker));
});
