// A lost or damaged database is never a silent empty start: `novalab up` refuses in one line
// naming the file and what to do, leaves the file as it was, and starts normally once the
// file is restored. A fresh state directory still initialises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startLab, freePortOffset, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';
import { appRoot } from '../../backend/common/app-root.js';

const novalab = path.join(appRoot(), 'bin', 'novalab.js');
const CONF = '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n';
let lab: LabHandle;
let serverId: string;
const db = (name: string) => path.join(lab.stateDir, 'db', `${name}.json`);

before(async () => {
  lab = await startLab({ novaConf: CONF });
  const nova = await ComputeClient.admin(lab);
  serverId = await nova.createServer('keep-me', await nova.imageId('novalab-x86_64'), '1');
  assert.equal((await nova.settled(serverId)).status, 'ACTIVE');
  await lab.stop();
});
after(async () => {
  await lab?.stop();
});

/** `novalab up` on the lab's state dir; resolves with its exit code and output. */
async function up(): Promise<{
  code: number | null;
  stderr: string;
  stdout: string;
}> {
  const offset = await freePortOffset();
  const child = spawn(process.execPath, [novalab, 'up', '--state-dir', lab.stateDir, '--port-offset', String(offset)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '',
    stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
    if (stdout.includes('\nready\n')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Damage one database, check the refusal, put the file back. */
async function refused(name: string, damage: (file: string) => void, pattern: RegExp): Promise<void> {
  const file = db(name);
  const original = fs.readFileSync(file);
  damage(file);
  const damaged = fs.existsSync(file) ? fs.readFileSync(file) : null;
  try {
    const r = await up();
    assert.equal(r.code, 1, `novalab up should refuse:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /^ready$/m);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.ok(lines[0]!.startsWith('novalab: cannot start the lab: '), lines[0]);
    assert.ok(lines[0]!.includes(file), `names ${file}: ${lines[0]}`);
    assert.match(lines[0]!, pattern);
    assert.match(lines[0]!, new RegExp(`Restore .* from a backup, or remove the state directory ${lab.stateDir} to start over`));
    assert.doesNotMatch(r.stderr, /Cannot read properties/);
    // Nothing was written in the lost or damaged file's place.
    assert.deepEqual(fs.existsSync(file) ? fs.readFileSync(file) : null, damaged);
  } finally {
    fs.writeFileSync(file, original);
  }
}

test('a fresh state directory initialised every database and its marker', () => {
  for (const name of ['nova', 'keystone', 'glance']) {
    assert.ok(fs.existsSync(db(name)), name);
    assert.ok(fs.existsSync(path.join(lab.stateDir, 'initialised', name)), `${name} marker`);
  }
});

test("nova's database missing: refused, not an empty lab orphaning the instances", async () => {
  await refused('nova', (f) => fs.rmSync(f), /nova's database .* is missing, but it was created before/);
});

test("nova's database truncated: refused as corrupt", async () => {
  await refused('nova', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)), /is corrupt or truncated \(it is not valid JSON/);
});

test("nova's database garbage: refused as corrupt", async () => {
  await refused('nova', (f) => fs.writeFileSync(f, Buffer.from([0x00, 0xff, 0x13, 0x37])), /is corrupt or truncated/);
});

test("nova's database valid JSON of the wrong shape: refused as not novalab's", async () => {
  await refused(
    'nova',
    (f) => fs.writeFileSync(f, '{"schema": 1, "instances": {}}'),
    /is not a database novalab wrote \(no "counters"; no "services"/,
  );
  await refused('nova', (f) => fs.writeFileSync(f, '[]'), /is not a database novalab wrote \(the document is a list/);
});

test("keystone's and glance's databases: missing, truncated and wrong-shaped are refused too", async () => {
  await refused('keystone', (f) => fs.rmSync(f), /keystone's database .* is missing/);
  await refused('keystone', (f) => fs.truncateSync(f, 10), /keystone's database .* is corrupt or truncated/);
  await refused(
    'glance',
    (f) => fs.writeFileSync(f, '{"images": []}'),
    /glance's database .* is not a database novalab wrote \("images" is not an object\)/,
  );
  await refused('glance', (f) => fs.rmSync(f), /glance's database .* is missing/);
});

test('with the files restored the lab starts and the instance is still there', async () => {
  lab = await startLab({ stateDir: lab.stateDir });
  const nova = await ComputeClient.admin(lab);
  assert.equal((await nova.server(serverId)).name, 'keep-me');
});
