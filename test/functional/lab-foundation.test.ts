// The foundation as a learner sees it: real processes titled like OpenStack's, the course's
// worker counts, status, restarts that lose nothing, a clean stop, and clear start-up errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, labToken, eventually, freePortOffset, type LabHandle } from '../../harness/lab-process.js';
import { appRoot } from '../../backend/common/app-root.js';

const run = promisify(execFile);
const novalab = path.join(appRoot(), 'bin', 'novalab.js');
let lab: LabHandle;

const comm = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
};
const labPids = () => processTree(lab.child.pid!).filter((p) => p !== lab.child.pid);
const titled = (name: string) => labPids().filter((p) => comm(p) === name.slice(0, 15));

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 3\nmetadata_workers = 2\nec2_workers = 1\nreport_interval = 1\n',
  });
});
after(async () => {
  await lab?.stop();
});

test('nova-api runs as one master and 3 + 2 + 1 workers, and every service is its own process', () => {
  assert.equal(titled('nova-api').length, 7, `nova-api processes: ${titled('nova-api').join(', ')}`);
  for (const name of ['keystone', 'glance-api', 'nova-conductor', 'nova-scheduler', 'nova-consoleauth', 'nova-novncproxy']) {
    assert.equal(titled(name).length, 1, name);
  }
  assert.equal(titled('nova-compute').length, 4, 'one nova-compute per lab host');
});

test('up prints every service with its PID and port, the GUI URL, then ready', () => {
  const out = lab.output.join('\n');
  for (const [binary, port] of [
    ['keystone', lab.port('keystone')],
    ['glance-api', lab.port('glance-api')],
    ['nova-novncproxy', lab.port('nova-novncproxy')],
  ] as const) {
    assert.match(out, new RegExp(`^${binary}\\s+host=\\S+\\s+pid=\\d+\\s+port=${port}`, 'm'));
  }
  assert.match(out, new RegExp(`^nova-api .*port=${lab.port('osapi_compute')},${lab.port('metadata')},${lab.port('ec2')}`, 'm'));
  assert.match(out, /^nova-scheduler .*port=-$/m);
  assert.match(out, new RegExp(`^gui\\s+http://127.0.0.1:${lab.port('gui')}/$`, 'm'));
  assert.equal(lab.output.at(-1), 'ready');
});

test('all three nova-api ports and the other services listen on loopback', async () => {
  for (const port of [
    lab.port('osapi_compute'),
    lab.port('metadata'),
    lab.port('ec2'),
    lab.port('keystone'),
    lab.port('glance-api'),
    lab.port('nova-novncproxy'),
  ]) {
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.once('error', reject);
    });
  }
});

test('novalab status shows every service up, like nova service-list', async () => {
  const rows = await eventually('all services up', async () => {
    const { stdout } = await run(process.execPath, [novalab, 'status', '--state-dir', lab.stateDir, '--json']);
    const parsed = JSON.parse(stdout) as { binary: string; state: string; pids: string; ports: string }[];
    return parsed.every((r) => r.state === 'up') ? parsed : null;
  });
  assert.equal(rows.filter((r) => r.binary === 'nova-compute').length, 4);
  assert.equal(rows.find((r) => r.binary === 'nova-api')!.pids.split(',').length, 7);
  const { stdout } = await run(process.execPath, [novalab, 'status', '--state-dir', lab.stateDir]);
  assert.match(stdout, /^Binary\s+Host\s+Zone\s+Status\s+State\s+Updated_at\s+PIDs\s+Ports\s+Restarts/);
});

test("the real openstack CLI issues a token and lists the catalog with the lab's openrc", () => {
  const sh = (cmd: string) => spawnSync('bash', ['-c', `. ${lab.stateDir}/openrc && ${cmd}`], { encoding: 'utf8' });
  const token = sh('openstack token issue -f json');
  assert.equal(token.status, 0, token.stderr);
  assert.ok(JSON.parse(token.stdout).id);
  const catalog = sh('openstack catalog list -f json');
  assert.equal(catalog.status, 0, catalog.stderr);
  assert.deepEqual((JSON.parse(catalog.stdout) as { Type: string }[]).map((s) => s.Type).sort(), ['compute', 'identity', 'image']);
  const wrong = sh('OS_PASSWORD=wrong openstack token issue');
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /401/);
});

test('a member token gets 403 on an admin-only API', async () => {
  const token = await labToken(lab, 'demo', 'demo', 'demo');
  const res = await fetch(lab.url('osapi_compute', '/v2.1/os-hypervisors'), { headers: { 'X-Auth-Token': token } });
  assert.equal(res.status, 403);
  assert.ok((await res.json()).forbidden);
});

test('kill -9 of the conductor: it is back within seconds, nothing is lost, and status shows the restart', async () => {
  const token = await labToken(lab);
  const headers = { 'X-Auth-Token': token, 'content-type': 'application/json', 'OpenStack-API-Version': 'compute 2.10' };
  const made = await fetch(lab.url('osapi_compute', '/v2.1/os-keypairs'), {
    method: 'POST',
    headers,
    body: JSON.stringify({ keypair: { name: 'before-crash' } }),
  });
  assert.equal(made.status, 201);
  const [conductor] = titled('nova-conductor');
  process.kill(conductor!, 'SIGKILL');
  const back = await eventually('a new nova-conductor', () => titled('nova-conductor').find((p) => p !== conductor), 10_000);
  assert.ok(back);
  const list = await eventually('the keypair after the restart', async () => {
    const r = await fetch(lab.url('osapi_compute', '/v2.1/os-keypairs'), { headers });
    return r.ok ? ((await r.json()) as { keypairs: { keypair: { name: string } }[] }) : null;
  });
  assert.ok(list.keypairs.some((k) => k.keypair.name === 'before-crash'));
  const { stdout } = await run(process.execPath, [novalab, 'status', '--state-dir', lab.stateDir, '--json']);
  assert.equal((JSON.parse(stdout) as { binary: string; restarts: number }[]).find((r) => r.binary === 'nova-conductor')!.restarts, 1);
});

test('nova-compute, as launched, cannot read the database; the conductor can', () => {
  const db = path.join(lab.stateDir, 'db', 'nova.json');
  assert.ok(fs.existsSync(db));
  const plan = JSON.parse(fs.readFileSync(path.join(lab.stateDir, 'run.json'), 'utf8')) as { compute_node_args: string[] };
  const probe = `require('fs').readFileSync(${JSON.stringify(db)}); console.log('read')`;
  const asCompute = spawnSync(process.execPath, [...plan.compute_node_args, '-e', probe], { encoding: 'utf8' });
  assert.match(asCompute.stderr, /ERR_ACCESS_DENIED/);
  assert.equal(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout.trim(), 'read');
});

test('after SIGTERM no process of the lab remains', async () => {
  const pids = processTree(lab.child.pid!);
  await lab.stop();
  await eventually('every lab process gone', () => pids.every((p) => comm(p) === null), 20_000);
});

test('a port already taken stops the start with a message naming it', async () => {
  const offset = await freePortOffset();
  const blocker = net.createServer().listen(5000 + offset, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-port-'));
  const r = spawnSync(process.execPath, [novalab, 'up', '--state-dir', dir, '--port-offset', String(offset)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  blocker.close();
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`port ${5000 + offset} \\(keystone\\) on 127.0.0.1 is already in use`));
});

test('an invalid nova.conf stops the start with one message listing every bad value', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-conf-'));
  fs.writeFileSync(
    path.join(dir, 'nova.conf'),
    '[DEFAULT]\nosapi_compute_workers = 0\nscheduler_default_filters = RamFilter,NoSuchFilter\n',
  );
  const r = spawnSync(process.execPath, [novalab, 'up', '--state-dir', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /osapi_compute_workers = 0: must be >= 1/);
  assert.match(r.stderr, /unknown filter\(s\) NoSuchFilter/);
});
