// nova-api's process model with real processes: the master forks osapi_compute_workers +
// metadata_workers + ec2_workers workers (all titled nova-api), says ready on the three
// ports, reports the worker PIDs, restarts a worker that dies, and stops with a message
// naming the port when one is taken. A bus broker runs in this process; no other service.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Broker } from '../../backend/bus/broker.js';
import { distPath } from '../../backend/common/app-root.js';
import { freePortOffset } from '../../harness/lab-process.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  messages: { type: string; ports?: number[]; pids?: number[]; message?: string }[];
  stderr: string[];
}

async function startNovaApi(offset: number, conf: string): Promise<{ started: Started; broker: Broker }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-api-master-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'nova.conf'), conf);
  const broker = new Broker();
  const busPort = await broker.listen();
  const child = fork(distPath('backend', 'compute-api', 'main.js'), [], {
    env: {
      ...process.env,
      NOVALAB_STATE_DIR: dir,
      NOVALAB_BUS_PORT: String(busPort),
      NOVALAB_BUS_SECRET: broker.secret,
      NOVALAB_PORT_OFFSET: String(offset),
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  const started: Started = { child, messages: [], stderr: [] };
  child.on('message', (m) => started.messages.push(m as Started['messages'][number]));
  child.stderr!.on('data', (d: Buffer) => started.stderr.push(d.toString()));
  return { started, broker };
}

const waitFor = async <T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

test('1 + N nova-api processes serve the three ports, report their PIDs and replace a dead worker', async () => {
  const offset = await freePortOffset();
  const { started, broker } = await startNovaApi(offset, '[DEFAULT]\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\n');
  try {
    const ready = await waitFor('ready', () => started.messages.find((m) => m.type === 'ready'));
    assert.deepEqual(ready.ports, [8774 + offset, 8775 + offset, 8773 + offset]);
    const workers = await waitFor('workers', () => started.messages.find((m) => m.type === 'workers'));
    assert.equal(workers.pids!.length, 4);
    for (const pid of [started.child.pid!, ...workers.pids!]) assert.equal(cmdline(pid), 'nova-api', `pid ${pid}`);

    const version = (await (await fetch(`http://127.0.0.1:${8774 + offset}/v2.1`)).json()) as { version: { version: string } };
    assert.equal(version.version.version, '2.96');
    const md = await fetch(`http://127.0.0.1:${8775 + offset}/`);
    assert.equal(md.status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${8775 + offset}/openstack/latest/meta_data.json`)).status, 403);
    const ec2 = await fetch(`http://127.0.0.1:${8773 + offset}/?Action=DescribeInstances`);
    assert.equal(ec2.status, 501);
    assert.match(await ec2.text(), /<Code>NotImplemented<\/Code>.*DescribeInstances/s);
    assert.equal(fs.statSync(path.join(dirs[dirs.length - 1]!, 'secrets', 'metadata-hmac')).mode & 0o777, 0o600);

    const victim = workers.pids![0]!;
    process.kill(victim, 'SIGKILL');
    const after = await waitFor('new worker list', () => {
      const lists = started.messages.filter((m) => m.type === 'workers');
      const last = lists[lists.length - 1]!;
      return last.pids!.length === 4 && !last.pids!.includes(victim) ? last : undefined;
    });
    assert.equal(after.pids!.length, 4);
    assert.equal((await fetch(`http://127.0.0.1:${8774 + offset}/v2.1`)).status, 200);

    started.child.kill('SIGTERM');
    assert.equal(await exited(started.child), 0);
    for (const pid of after.pids!) assert.throws(() => process.kill(pid, 0), `worker ${pid} stopped with the master`);
  } finally {
    broker.close();
  }
});

test('a port already taken stops nova-api with a message that names it', async () => {
  const offset = await freePortOffset();
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(8775 + offset, '127.0.0.1', () => r()));
  const { started, broker } = await startNovaApi(offset, '[DEFAULT]\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n');
  try {
    assert.equal(await exited(started.child), 1);
    const fatal = started.messages.find((m) => m.type === 'fatal');
    assert.ok(fatal, 'the launcher is told why');
    assert.match(fatal.message!, new RegExp(`port ${8775 + offset} \\(nova-api metadata\\) on 127\\.0\\.0\\.1 is already in use`));
    assert.match(started.stderr.join(''), new RegExp(`port ${8775 + offset}`));
    assert.equal(
      started.messages.some((m) => m.type === 'ready'),
      false,
    );
  } finally {
    squatter.close();
    broker.close();
  }
});
