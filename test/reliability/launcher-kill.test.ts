// kill -9 of the launcher (`novalab up`) with a real QEMU guest running, then `novalab up`
// again on the same state dir: the database is intact, the instances' statuses are true
// (re-adopted ACTIVE while their QEMU runs, SHUTOFF when it is gone), the old services are
// gone before the new ones start (never two nova-computes for one guest), no QEMU runs
// unaccounted, and none outlives `novalab down`. Checked with the real openstack CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';
import { appRoot } from '../../backend/common/app-root.js';
import { novaShapeProblems, readNovaData, type NovaData } from '../../backend/conductor/nova-db.js';

const exec = promisify(execFile);
const novalab = path.join(appRoot(), 'bin', 'novalab.js');
let lab: LabHandle;
let stateDir = '';
const ids: Record<string, string> = {};

const openstack = async (...args: string[]) =>
  (
    await exec('openstack', args, {
      env: cliEnv(lab),
      maxBuffer: 16 * 1024 * 1024,
    })
  ).stdout;
const serverList = async () =>
  new Map(
    (
      JSON.parse(await openstack('server', 'list', '-f', 'json')) as {
        ID: string;
        Name: string;
        Status: string;
      }[]
    ).map((s) => [s.Name, s]),
  );
const statusIs = (name: string, want: string) =>
  eventually(`${name} ${want}`, async () => ((await serverList()).get(name)?.Status === want ? true : null), 120_000, 1000);

const cmdline = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
};
const comm = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
};
const allPids = () =>
  fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
/** Every QEMU of this lab, wherever it is in the process tree (an adopted one is init's child). */
const labQemus = () =>
  allPids().filter((p) => {
    const c = cmdline(p);
    return c !== null && /^[^\0]*qemu-system-/.test(c) && c.includes(stateDir);
  });
const qemuOf = (uuid: string) => labQemus().filter((p) => cmdline(p)!.includes(uuid));
/** Service processes started for this state dir (their environment names it). */
const labServices = (binary: string) =>
  allPids().filter((p) => {
    if (comm(p) !== binary.slice(0, 15)) return false;
    try {
      return fs.readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`NOVALAB_STATE_DIR=${stateDir}`);
    } catch {
      return false;
    }
  });
const hostCount = () =>
  fs.readdirSync(path.join(stateDir, 'hosts')).filter((h) => fs.statSync(path.join(stateDir, 'hosts', h)).isDirectory()).length;

function readDb(): NovaData {
  const doc = readNovaData(path.join(stateDir, 'db', 'nova.json'));
  assert.deepEqual(novaShapeProblems(doc), []);
  return doc;
}

async function killLauncher(alsoServices: boolean): Promise<number[]> {
  const launcher = lab.child.pid!;
  const tree = processTree(launcher).filter((p) => p !== launcher && !labQemus().includes(p));
  const exited = new Promise((r) => lab.child.once('exit', r));
  process.kill(launcher, 'SIGKILL');
  if (alsoServices)
    for (const p of tree) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  await exited;
  return tree;
}

/** After a restart: every service once (one nova-compute per host), none of the old ones left. */
function assertOneGeneration(old: number[]): void {
  assert.deepEqual(
    old.filter((p) => comm(p) !== null && labServices(comm(p)!).includes(p)),
    [],
    'processes of the killed launcher still running',
  );
  assert.equal(labServices('nova-compute').length, hostCount(), 'one nova-compute per lab host');
  assert.equal(labServices('nova-conductor').length, 1);
}

/** Each instance's status is true: ACTIVE exactly when one QEMU runs for it; no other QEMU runs. */
async function assertTrueStatuses(): Promise<Map<string, { ID: string; Status: string }>> {
  const list = await serverList();
  for (const [name, s] of list) {
    const running = qemuOf(s.ID).length;
    if (s.Status === 'ACTIVE') assert.equal(running, 1, `${name} is ACTIVE: exactly one QEMU for it`);
    else assert.equal(running, 0, `${name} is ${s.Status}: no QEMU for it`);
  }
  const accounted = new Set([...list.values()].flatMap((s) => qemuOf(s.ID)));
  assert.deepEqual(
    labQemus().filter((p) => !accounted.has(p)),
    [],
    'QEMU processes no instance accounts for',
  );
  return list;
}

function report(what: string, upMs: number, list: Map<string, { Status: string }>): void {
  const orphans = lab.output.find((l) => l.includes('a previous launcher was killed')) ?? 'no orphaned service found';
  process.stdout.write(
    `# kill -9 of the ${what}: up again in ${upMs} ms; ${[...list].map(([n, s]) => `${n} ${s.Status}`).join(', ')}; ${orphans}\n`,
  );
}

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
  stateDir = lab.stateDir;
  for (const name of ['vm-run', 'vm-off']) {
    const created = JSON.parse(
      await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', name, '-f', 'json'),
    ) as { id: string; status: string };
    assert.equal(created.status, 'ACTIVE');
    ids[name] = created.id;
  }
  await openstack('server', 'stop', 'vm-off');
  await statusIs('vm-off', 'SHUTOFF');
});
after(async () => {
  await lab?.stop();
});

test('kill -9 of the launcher alone: its services stop their guests; the next start says SHUTOFF, truly', async () => {
  assert.equal(qemuOf(ids['vm-run']!).length, 1);
  const old = await killLauncher(false);
  const t0 = Date.now();
  lab = await startLab({ stateDir, timeoutMs: 600_000 });
  const upMs = Date.now() - t0;
  assertOneGeneration(old);
  const db = readDb();
  assert.deepEqual(
    db.instances
      .filter((i) => i.vm_state !== 'deleted')
      .map((i) => i.uuid)
      .sort(),
    Object.values(ids).sort(),
    'the database still has both instances',
  );
  const list = await assertTrueStatuses();
  assert.equal(list.get('vm-off')!.Status, 'SHUTOFF');
  assert.ok(['ACTIVE', 'SHUTOFF'].includes(list.get('vm-run')!.Status), `vm-run is ${list.get('vm-run')!.Status}`);
  report('launcher alone', upMs, list);
  if (list.get('vm-run')!.Status === 'SHUTOFF') await openstack('server', 'start', 'vm-run');
  await statusIs('vm-run', 'ACTIVE');
  assert.equal(qemuOf(ids['vm-run']!).length, 1);
});

test('kill -9 of the launcher and every service: the running QEMU is re-adopted ACTIVE by the next start', async () => {
  const [qemu] = qemuOf(ids['vm-run']!);
  const old = await killLauncher(true);
  assert.ok(cmdline(qemu!) !== null, 'the guest outlived its nova-compute');
  const t0 = Date.now();
  lab = await startLab({ stateDir, timeoutMs: 600_000 });
  const upMs = Date.now() - t0;
  assertOneGeneration(old);
  const list = await assertTrueStatuses();
  report('launcher and services', upMs, list);
  assert.equal(list.get('vm-run')!.Status, 'ACTIVE');
  assert.deepEqual(qemuOf(ids['vm-run']!), [qemu], 'the same QEMU, re-adopted');
  assert.equal(list.get('vm-off')!.Status, 'SHUTOFF');
  // Managed again: a stop reaches it.
  await openstack('server', 'stop', 'vm-run');
  await statusIs('vm-run', 'SHUTOFF');
  assert.deepEqual(qemuOf(ids['vm-run']!), []);
  await openstack('server', 'start', 'vm-run');
  await statusIs('vm-run', 'ACTIVE');
});

test('novalab down leaves no QEMU and no service of the lab running', async () => {
  assert.equal(labQemus().length, 1);
  await exec(process.execPath, [novalab, 'down', '--state-dir', stateDir], {
    timeout: 120_000,
  });
  await eventually('the launcher gone', () => lab.child.exitCode !== null || lab.child.signalCode !== null, 60_000);
  assert.deepEqual(labQemus(), []);
  for (const b of ['nova-compute', 'nova-conductor', 'nova-api', 'keystone', 'glance-api']) assert.deepEqual(labServices(b), [], b);
});
