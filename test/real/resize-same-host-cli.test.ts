// A resize on the only host of a lab, with allow_resize_to_same_host as DevStack sets it for a
// single-host cloud, on a real QEMU guest with the real `openstack` client: the source copy
// waits beside the running destination guest in the same instances directory, and a revert
// brings back the old guest with the old flavor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, topologyFile, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;
let uuid = '';

const os_ = async (...args: string[]) => (await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 })).stdout;
const statusIs = (want: string) =>
  eventually(
    `solo ${want}`,
    async () => {
      const s = JSON.parse(await os_('server', 'show', 'solo', '-f', 'json')) as Record<string, unknown>;
      if (s.status === 'ERROR') throw new Error(`solo went to ERROR: ${JSON.stringify(s.fault)}`);
      return s.status === want && !s['OS-EXT-STS:task_state'] ? s : null;
    },
    240_000,
    1000,
  );
/** The -m of the one QEMU process that runs the guest. */
const qemuMemory = () => {
  const found = processTree(lab.child.pid!)
    .map((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })
    .filter((argv) => argv.length && path.basename(argv[0]!).startsWith('qemu-system') && argv.some((a) => a.includes(uuid)));
  assert.equal(found.length, 1, 'exactly one QEMU runs the guest');
  return Number(found[0]![found[0]!.indexOf('-m') + 1]);
};

before(async () => {
  lab = await startLab({
    timeoutMs: 600_000,
    novaConf: `[DEFAULT]\nallow_resize_to_same_host = True\n[novalab]\ntopology = ${topologyFile([{ name: 'solo', vcpus: 4, memory_mb: 4096 }])}\n`,
  });
  uuid = (
    JSON.parse(await os_('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', 'solo', '-f', 'json')) as {
      id: string;
    }
  ).id;
});
after(async () => {
  await lab?.stop();
});

test('resize in place keeps the source copy beside the new guest; revert brings the old one back', async () => {
  const dir = path.join(lab.stateDir, 'hosts', 'solo', 'instances');
  await os_('server', 'resize', '--flavor', 'm1.small', 'solo');
  assert.equal((await statusIs('VERIFY_RESIZE'))['OS-EXT-SRV-ATTR:host'], 'solo');
  assert.equal(qemuMemory(), 512);
  assert.ok(fs.existsSync(path.join(dir, `${uuid}_resize`, 'disk.qcow2')), 'the source copy waits for confirm or revert');
  await os_('server', 'resize', 'revert', 'solo');
  const back = await statusIs('ACTIVE');
  assert.match(JSON.stringify(back.flavor), /m1\.tiny/);
  assert.equal(qemuMemory(), 256);
  assert.deepEqual(fs.readdirSync(dir), [uuid], 'the source copy is the instance directory again');
});
