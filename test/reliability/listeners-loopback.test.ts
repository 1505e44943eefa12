// Every listener of a lab is bound to loopback by default. A whole lab (`novalab up`, default
// nova.conf, real QEMU driver) with one real guest running: every process of its tree — the
// launcher, every service and worker, the guest's QEMU — has its sockets listed from /proc
// (TCP and UDP, v4 and v6), and each must be bound to 127.0.0.0/8 (or ::1): none on 0.0.0.0,
// ::, or a LAN address. The list is printed. A self-check shows the same listing flags a
// process bound to 0.0.0.0 and ::, so the suite cannot pass by seeing nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startLab, processTree, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';
import { describeListener, isLoopbackAddress, listeners, type Listener } from '../../harness/listeners.js';
import { DEFAULT_PORTS } from '../../contract/services.js';

let lab: LabHandle;

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
  const api = await ComputeClient.admin(lab, '2.37');
  const flavors = (await api.request('GET', '/flavors')).body.flavors as { id: string; name: string }[];
  const id = await api.createServer('vm-listeners', await api.imageId('novalab-x86_64'), flavors.find((f) => f.name === 'm1.tiny')!.id);
  const server = await api.settled(id, 180_000);
  assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault ?? null));
});

after(async () => {
  await lab?.stop();
});

/** The program a process runs (QEMU renames its thread after the guest, so not comm). */
const program = (pid: number) => {
  try {
    return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!);
  } catch {
    return '?';
  }
};

function labListeners(): { pids: number[]; all: Listener[] } {
  const pids = processTree(lab.child.pid!);
  return { pids, all: pids.flatMap(listeners) };
}

test("every socket the lab's processes listen on is bound to loopback", (t) => {
  const { pids, all } = labListeners();
  t.diagnostic(`${pids.length} processes in the lab's tree: ${[...new Set(pids.map(program))].join(', ')}`);
  for (const l of all) t.diagnostic(`${isLoopbackAddress(l.address) ? 'ok ' : 'BAD'} ${describeListener(l)}`);
  // The listing sees the lab: each of its well-known ports is there, and a guest runs.
  const ports = new Set(all.filter((l) => l.table.startsWith('tcp')).map((l) => l.port));
  for (const [name, port] of Object.entries(DEFAULT_PORTS))
    assert.ok(ports.has(port + lab.offset), `${name} listens on ${port + lab.offset}`);
  assert.ok(
    pids.some((p) => program(p).startsWith('qemu-system')),
    "a QEMU guest is in the lab's tree",
  );
  const exposed = all.filter((l) => !isLoopbackAddress(l.address));
  assert.deepEqual(exposed.map(describeListener), [], 'listeners reachable from other machines');
});

test('self-check: the same listing flags a process bound to 0.0.0.0 and to ::', async (t) => {
  const script = `const net = require('node:net');
    let n = 0; const up = () => { if (++n === 2) process.send('up'); };
    net.createServer().listen(0, '0.0.0.0', up); net.createServer().listen({ port: 0, host: '::', ipv6Only: true }, up);`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const found = listeners(child.pid!);
    for (const l of found) t.diagnostic(describeListener(l));
    const exposed = found
      .filter((l) => !isLoopbackAddress(l.address))
      .map((l) => l.address)
      .sort();
    assert.deepEqual(exposed, ['0.0.0.0', '::']);
  } finally {
    child.kill();
  }
});
