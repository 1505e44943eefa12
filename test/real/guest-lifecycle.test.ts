// Real QEMU guests driven by the real openstack CLI: both architectures boot to the metadata
// banner, power operations change the real QEMU state, a killed guest is noticed, and delete
// leaves nothing behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;
const ids: Record<string, string> = {};

async function os_(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const show = async (name: string) => JSON.parse(await os_('server', 'show', name, '-f', 'json')) as Record<string, unknown>;
const consoleLog = (name: string) => os_('console', 'log', 'show', name);
/** QEMU renames its thread (-name process=…), so look at the program it runs, as ps does. */
const qemuPids = () =>
  processTree(lab.child.pid!).filter((p) => {
    try {
      return path.basename(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0]!).startsWith('qemu-system');
    } catch {
      return false;
    }
  });
const qemuOf = (uuid: string) => qemuPids().find((p) => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(uuid));
const statusIs = (name: string, want: string, ms = 60_000) =>
  eventually(`${name} ${want}`, async () => ((await show(name)).status === want ? true : null), ms, 500);
/** The guest's own clock, from the ticks its user-data script prints on the serial console. */
const lastUptime = async (name: string) => {
  const ticks = [...(await consoleLog(name)).matchAll(/tick (\d+\.\d+)/g)];
  return ticks.length ? Number(ticks.at(-1)![1]) : null;
};

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 }); // the first start may build the guest images
  const userData = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-ud-')), 'ticks.sh');
  fs.writeFileSync(userData, '#!/bin/sh\n(while true; do echo "tick $(cut -d" " -f1 /proc/uptime)" > /dev/ttyS0; sleep 0.5; done) &\n');
  for (const [name, image] of [
    ['vm-x86', 'novalab-x86_64'],
    ['vm-arm', 'novalab-aarch64'],
  ]) {
    const extra = name === 'vm-x86' ? ['--user-data', userData] : [];
    const created = JSON.parse(
      await os_('server', 'create', '--flavor', 'm1.tiny', '--image', image!, ...extra, '--wait', name!, '-f', 'json'),
    ) as { id: string; status: string };
    assert.equal(created.status, 'ACTIVE');
    ids[name!] = created.id;
  }
});
after(async () => {
  await lab?.stop();
});

test('each architecture boots and prints the banner with its hostname and id from the metadata service', async () => {
  for (const name of ['vm-x86', 'vm-arm']) {
    const text = await eventually(
      `${name}'s banner`,
      async () => {
        const log = await consoleLog(name);
        return log.includes('novalab login:') ? log : null;
      },
      60_000,
      1000,
    );
    assert.ok(text.includes(`novalab login: ${name} (${ids[name]})`), `${name}'s console:\n${text.slice(-2000)}`);
  }
});

test('ps shows one qemu-system process per running instance', () => {
  assert.equal(qemuPids().length, 2);
  assert.ok(qemuOf(ids['vm-x86']!));
  assert.match(fs.readFileSync(`/proc/${qemuOf(ids['vm-arm']!)}/cmdline`, 'utf8'), /qemu-system-aarch64/);
});

test('a paused guest stops advancing and continues after unpause', async () => {
  await eventually('ticks on the serial console', () => lastUptime('vm-x86'), 60_000, 1000);
  await os_('server', 'pause', 'vm-x86');
  await statusIs('vm-x86', 'PAUSED');
  const frozen = await lastUptime('vm-x86');
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await lastUptime('vm-x86'), frozen, 'no ticks while paused');
  await os_('server', 'unpause', 'vm-x86');
  await statusIs('vm-x86', 'ACTIVE');
  await eventually('ticks again', async () => ((await lastUptime('vm-x86'))! > frozen! ? true : null), 30_000, 500);
});

test('a suspended guest resumes with its uptime preserved; a hard reboot restarts it', async () => {
  await os_('server', 'suspend', 'vm-x86');
  await statusIs('vm-x86', 'SUSPENDED');
  assert.equal(qemuOf(ids['vm-x86']!), undefined, 'the suspended guest has no process; its state is on disk');
  const before = (await lastUptime('vm-x86'))!;
  await os_('server', 'resume', 'vm-x86');
  await statusIs('vm-x86', 'ACTIVE');
  const after = await eventually(
    'a tick after resume',
    async () => {
      const u = await lastUptime('vm-x86');
      return u !== null && u > before ? u : null;
    },
    60_000,
    500,
  );
  assert.ok(after > before && after < before + 30, `uptime went from ${before} to ${after}`);
  await os_('server', 'reboot', '--hard', 'vm-x86');
  await statusIs('vm-x86', 'ACTIVE');
  await eventually(
    'the guest to boot again',
    async () => ((await consoleLog('vm-x86')).split('novalab login: vm-x86').length > 2 ? true : null),
    60_000,
    1000,
  );
});

test('stop and start change the real QEMU process', async () => {
  await os_('server', 'stop', 'vm-arm');
  await statusIs('vm-arm', 'SHUTOFF');
  assert.equal(qemuOf(ids['vm-arm']!), undefined);
  await os_('server', 'start', 'vm-arm');
  await statusIs('vm-arm', 'ACTIVE');
  assert.ok(qemuOf(ids['vm-arm']!));
});

test('kill -9 of a guest is noticed: SHUTOFF within 10 s, and the event list records it', async () => {
  process.kill(qemuOf(ids['vm-arm']!)!, 'SIGKILL');
  const t0 = Date.now();
  await statusIs('vm-arm', 'SHUTOFF', 10_000);
  assert.ok(Date.now() - t0 < 10_000);
  const events = JSON.parse(await os_('server', 'event', 'list', 'vm-arm', '-f', 'json')) as { Action: string }[];
  assert.equal(events[0]!.Action, 'stop');
});

test('delete leaves no process and no instance files behind', async () => {
  for (const name of ['vm-x86', 'vm-arm']) await os_('server', 'delete', '--wait', name);
  assert.deepEqual(qemuPids(), []);
  const hostsDir = path.join(lab.stateDir, 'hosts');
  const leftovers = fs.readdirSync(hostsDir).flatMap((h) => {
    const d = path.join(hostsDir, h, 'instances');
    return fs.existsSync(d) ? fs.readdirSync(d) : [];
  });
  assert.deepEqual(leftovers, []);
});
