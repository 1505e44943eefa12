// Real QEMU guests and the real openstack CLI: `server image create` copies a running guest's
// disk into glance (a standalone qcow2) and that image boots a new server to its login
// banner; `server shelve` frees the host (no QEMU left for the guest) and `server unshelve`
// brings the guest back from its shelve snapshot, booting to its banner again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;

async function os_(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const json = async (...args: string[]) => JSON.parse(await os_(...args, '-f', 'json')) as Record<string, any>;
const qemuOf = (uuid: string) =>
  processTree(lab.child.pid!).find((p) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return path.basename(cmd.split('\0')[0]!).startsWith('qemu-system') && cmd.includes(uuid);
    } catch {
      return false;
    }
  });
const banner = (name: string, id: string, after = 0) =>
  eventually(
    `${name}'s login banner`,
    async () => {
      const log = await os_('console', 'log', 'show', name);
      const at = log.indexOf(`novalab login: ${name} (${id})`, after);
      return at >= 0 ? at : null;
    },
    180_000,
    1000,
  );
const statusIs = (name: string, want: string) =>
  eventually(
    `${name} ${want}`,
    async () => {
      const s = await json('server', 'show', name);
      return s.status === want && !s['OS-EXT-STS:task_state'] ? s : null;
    },
    180_000,
    1000,
  );

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
});
after(async () => {
  await lab?.stop();
});

test('server image create: the snapshot of a running guest boots a new server to its banner', async () => {
  const src = await json('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', 'snap-src');
  await banner('snap-src', src.id);
  const img = await json('server', 'image', 'create', '--name', 'snap-img', '--wait', 'snap-src');
  const shown = await json('image', 'show', img.id);
  assert.equal(shown.status, 'active');
  assert.equal(shown.disk_format, 'qcow2');
  assert.equal(shown.properties.image_type, 'snapshot');
  assert.equal(shown.properties.instance_uuid, src.id);
  assert.ok(shown.properties.kernel_id, 'the kernel is inherited from the base image');
  assert.ok(qemuOf(src.id), 'the source guest kept running through the snapshot');

  const copy = await json('server', 'create', '--flavor', 'm1.tiny', '--image', 'snap-img', '--wait', 'from-snap');
  assert.equal(copy.status, 'ACTIVE');
  await banner('from-snap', copy.id);
  await os_('server', 'delete', '--wait', 'from-snap', 'snap-src');
  await os_('image', 'delete', 'snap-img');
});

test('server shelve frees the host; server unshelve boots the guest back from its snapshot', async () => {
  const vm = await json('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', 'shelve-vm');
  await banner('shelve-vm', vm.id);
  assert.ok(qemuOf(vm.id));
  await os_('server', 'shelve', 'shelve-vm');
  const shelved = await statusIs('shelve-vm', 'SHELVED_OFFLOADED');
  assert.equal(shelved['OS-EXT-SRV-ATTR:host'] ?? null, null);
  assert.equal(qemuOf(vm.id), undefined, 'no QEMU is left for the shelved guest');
  const snaps = JSON.parse(await os_('image', 'list', '--name', 'shelve-vm-shelved', '-f', 'json')) as { ID: string }[];
  assert.equal(snaps.length, 1);

  await os_('server', 'unshelve', 'shelve-vm');
  const back = await statusIs('shelve-vm', 'ACTIVE');
  assert.ok(back['OS-EXT-SRV-ATTR:host'], 'scheduled onto a host again');
  assert.ok(qemuOf(vm.id), 'a QEMU runs the guest again');
  await banner('shelve-vm', vm.id);
  await eventually(
    'the shelve image deleted',
    async () => JSON.parse(await os_('image', 'list', '--name', 'shelve-vm-shelved', '-f', 'json')).length === 0,
    60_000,
    1000,
  );
  const trace = await fetch(lab.url('osapi_compute', `/v2.1/servers/${vm.id}/os-scheduler-trace`), {
    headers: { 'X-Auth-Token': (await json('token', 'issue')).id },
  });
  assert.equal(trace.status, 200);
  await os_('server', 'delete', '--wait', 'shelve-vm');
});
