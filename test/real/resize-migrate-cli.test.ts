// Resize and cold migration of a real QEMU guest with the real `openstack` client, as a new
// user would try them: `server resize --flavor m1.small` then `server resize confirm` brings
// the guest back with m1.small's RAM visible inside (the user data prints /proc/meminfo's
// MemTotal on the serial console at every boot), `server resize revert` brings back the old
// flavor on the old host, and `server migrate` moves the guest to the other host: its QEMU
// process runs in that host's instances directory and the source keeps nothing once confirmed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, topologyFile, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;
let uuid = '';
const NAME = 'vm-move';

async function os_(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const show = async () => JSON.parse(await os_('server', 'show', NAME, '-f', 'json')) as Record<string, unknown>;
const hostNow = async () => String((await show())['OS-EXT-SRV-ATTR:host']);
const other = (h: string) => (h === 'lab-1' ? 'lab-2' : 'lab-1');
const statusIs = (want: string) =>
  eventually(
    `${NAME} ${want}`,
    async () => {
      const s = await show();
      if (s.status === 'ERROR') throw new Error(`${NAME} went to ERROR: ${JSON.stringify(s.fault)}`);
      return s.status === want && !s['OS-EXT-STS:task_state'] ? s : null;
    },
    240_000,
    1000,
  );
const instancesDir = (host: string) => path.join(lab.stateDir, 'hosts', host, 'instances');

/** The running QEMU of the guest: its pid, where it runs (its working directory) and its -m. */
function qemuOfGuest(): { pid: number; cwd: string; memoryMb: number } | null {
  for (const pid of processTree(lab.child.pid!)) {
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!path.basename(argv[0]!).startsWith('qemu-system') || !argv.some((a) => a.includes(uuid))) continue;
    return { pid, cwd: fs.readlinkSync(`/proc/${pid}/cwd`), memoryMb: Number(argv[argv.indexOf('-m') + 1]) };
  }
  return null;
}

/** MemTotal (kB) the guest printed at its latest boot, once that boot's count of lines is reached. */
async function memTotalAfter(boots: number): Promise<number> {
  return eventually(
    `boot ${boots}'s MemTotal on the console`,
    async () => {
      const lines = [...(await os_('console', 'log', 'show', NAME)).matchAll(/memtotal-kb (\d+)/g)];
      return lines.length >= boots ? Number(lines.at(-1)![1]) : null;
    },
    240_000,
    2000,
  );
}

/** The kernel keeps some of the RAM for itself: what the guest sees is a little under the flavor's. */
const seesAbout = (kb: number, flavorMb: number) => kb <= flavorMb * 1024 && kb > flavorMb * 1024 * 0.75;

before(async () => {
  lab = await startLab({
    timeoutMs: 600_000,
    novaConf: `[novalab]\ntopology = ${topologyFile([
      { name: 'lab-1', vcpus: 4, memory_mb: 4096 },
      { name: 'lab-2', vcpus: 4, memory_mb: 4096 },
    ])}\n`,
  });
  const userData = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-ud-')), 'mem.sh');
  fs.writeFileSync(userData, "#!/bin/sh\necho \"memtotal-kb $(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2)\" > /dev/ttyS0\n");
  const created = JSON.parse(
    await os_(
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'novalab-x86_64',
      '--user-data',
      userData,
      '--wait',
      NAME,
      '-f',
      'json',
    ),
  ) as { id: string; status: string };
  assert.equal(created.status, 'ACTIVE');
  uuid = created.id;
});
after(async () => {
  await lab?.stop();
});

test('server resize --flavor m1.small, then resize confirm: the guest runs on the other host with 512 MB inside', async () => {
  assert.ok(seesAbout(await memTotalAfter(1), 256), 'the first boot sees m1.tiny');
  const source = await hostNow();
  await os_('server', 'resize', '--flavor', 'm1.small', NAME);
  const verify = await statusIs('VERIFY_RESIZE');
  const dest = String(verify['OS-EXT-SRV-ATTR:host']);
  assert.equal(dest, other(source));
  // Until confirm the source keeps its copy (Nova's <uuid>_resize); the guest already runs on the destination.
  assert.ok(fs.existsSync(path.join(instancesDir(source), `${uuid}_resize`, 'disk.qcow2')));
  await os_('server', 'resize', 'confirm', NAME);
  await statusIs('ACTIVE');
  assert.equal(await hostNow(), dest);
  const q = qemuOfGuest();
  assert.ok(q, 'a QEMU process runs the guest');
  assert.equal(q.cwd, path.join(instancesDir(dest), uuid), 'its QEMU belongs to the destination host');
  assert.equal(q.memoryMb, 512);
  const kb = await memTotalAfter(2);
  assert.ok(seesAbout(kb, 512), `the guest sees ${kb} kB after the resize to m1.small`);
  assert.ok(!fs.existsSync(path.join(instancesDir(source), `${uuid}_resize`)), 'confirm deleted the source copy');
  assert.ok(!fs.existsSync(path.join(instancesDir(source), uuid)));
});

test('server resize --flavor m1.medium, then resize revert: back on its host with m1.small', async () => {
  const home = await hostNow();
  await os_('server', 'resize', '--flavor', 'm1.medium', NAME);
  const verify = await statusIs('VERIFY_RESIZE');
  assert.equal(verify['OS-EXT-SRV-ATTR:host'], other(home));
  assert.equal(qemuOfGuest()?.memoryMb, 1024);
  await os_('server', 'resize', 'revert', NAME);
  const active = await statusIs('ACTIVE');
  assert.equal(active['OS-EXT-SRV-ATTR:host'], home);
  assert.match(JSON.stringify(active.flavor), /m1\.small/);
  const q = qemuOfGuest();
  assert.equal(q?.cwd, path.join(instancesDir(home), uuid));
  assert.equal(q?.memoryMb, 512);
  assert.ok(!fs.existsSync(path.join(instancesDir(other(home)), uuid)), 'the destination removed its copy');
  // The kept copy's console has boots 1 and 2; its boot after the revert is the third.
  assert.ok(seesAbout(await memTotalAfter(3), 512), 'the guest that came back has m1.small again');
});

test('server migrate moves the running guest to the other host; confirm leaves nothing on the source', async () => {
  const source = await hostNow();
  await os_('server', 'migrate', NAME);
  await statusIs('VERIFY_RESIZE');
  await os_('server', 'resize', 'confirm', NAME);
  const active = await statusIs('ACTIVE');
  const dest = String(active['OS-EXT-SRV-ATTR:host']);
  assert.equal(dest, other(source));
  assert.match(JSON.stringify(active.flavor), /m1\.small/);
  const q = qemuOfGuest();
  assert.equal(q?.cwd, path.join(instancesDir(dest), uuid), 'the migrated guest runs on the other host');
  assert.equal(q?.memoryMb, 512);
  assert.ok(!fs.existsSync(path.join(instancesDir(source), uuid)) && !fs.existsSync(path.join(instancesDir(source), `${uuid}_resize`)));
  assert.ok(seesAbout(await memTotalAfter(4), 512), 'it booted there and reached its user data');
  const rows = JSON.parse(await os_('--os-compute-api-version', '2.59', 'server', 'migration', 'list', '--server', NAME, '-f', 'json')) as {
    Status: string;
    Type: string;
  }[];
  assert.deepEqual(
    rows.map((r) => [r.Type, r.Status]),
    [
      ['migration', 'confirmed'],
      ['resize', 'reverted'],
      ['resize', 'confirmed'],
    ],
  );
});
