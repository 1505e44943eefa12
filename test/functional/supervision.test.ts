// A service that keeps failing is retried with backoff for as long as the lab runs, its state
// is shown (novalab status, /lab/api/services), and it comes back by itself once the cause is
// gone — here keystone, whose database path is made unreadable (as a full disk would) and then
// repaired behind the lab's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, labToken, eventually, type LabHandle } from '../../harness/lab-process.js';
import { appRoot } from '../../backend/common/app-root.js';
import type { StatusRow } from '../../backend/cli/status-table.js';
import type { ServiceProcess } from '../../contract/services.js';

const run = promisify(execFile);
const novalab = path.join(appRoot(), 'bin', 'novalab.js');
let lab: LabHandle;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
});
after(async () => {
  await lab?.stop();
});

const status = async (): Promise<StatusRow[]> =>
  JSON.parse((await run(process.execPath, [novalab, 'status', '--state-dir', lab.stateDir, '--json'])).stdout) as StatusRow[];

async function labProcesses(): Promise<ServiceProcess[]> {
  const secret = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'control'), 'utf8');
  const res = await fetch(lab.url('gui', '/lab/api/services'), {
    headers: { 'x-novalab-control': secret },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { processes: ServiceProcess[] }).processes;
}

test('keystone failing to start again is retried with backoff, shown as failing, and comes back by itself', async () => {
  const db = path.join(lab.stateDir, 'db', 'keystone.json');
  const saved = `${db}.saved`;
  const before = (await status()).find((r) => r.binary === 'keystone')!;
  assert.equal(before.process, 'running');

  // The database path becomes unusable (a folder where the file was), then keystone dies.
  fs.renameSync(db, saved);
  fs.mkdirSync(db);
  try {
    process.kill(Number(before.pids), 'SIGKILL');

    // Tried again and again (the old supervisor tried once, then never), each try refused;
    // seen between two tries (while one runs there is no next try yet).
    const failing = await eventually(
      'keystone failing, tried 3 times, waiting for the next try',
      async () => {
        const k = (await status()).find((r) => r.binary === 'keystone')!;
        return k.process === 'failing' && k.restarts >= 3 && k.next_try_at ? k : null;
      },
      90_000,
      250,
    );
    assert.equal(failing.state, 'down');
    assert.ok(failing.failures >= 3, `failures in a row: ${failing.failures}`);
    assert.ok(
      failing.next_try_at && Date.parse(failing.next_try_at) > Date.parse(failing.last_exit.split(' at ')[1]!),
      'the next try is after the last exit',
    );
    assert.match(failing.last_exit, /^code 1 at /);
    assert.match(failing.last_error ?? '', /keystone's database .*keystone\.json cannot be read \(EISDIR\)/);

    // The lab's own API (and so the GUI) shows the same.
    const k = await eventually(
      'the lab API showing the next try',
      async () => (await labProcesses()).find((p) => p.binary === 'keystone' && p.nextTryAt),
      60_000,
      250,
    );
    assert.equal(k.state, 'failing');
    assert.ok(k.failures >= 3 && k.lastExit?.code === 1, JSON.stringify(k));

    // The text table says it too, with why.
    const stdout = await eventually(
      'the table showing the next try',
      async () => {
        const out = (await run(process.execPath, [novalab, 'status', '--state-dir', lab.stateDir])).stdout;
        return /^keystone .*failing \(\d+ in a row; next try \S+\)/m.test(out) ? out : null;
      },
      60_000,
      250,
    );
    assert.match(stdout, /^keystone@novalab: keystone's database .* cannot be read/m);
  } finally {
    fs.rmdirSync(db);
    fs.renameSync(saved, db);
  }

  // Nobody restarts the lab: the next try succeeds.
  const back = await eventually(
    'keystone running again',
    async () => {
      const r = (await status()).find((x) => x.binary === 'keystone')!;
      return r.process === 'running' ? r : null;
    },
    90_000,
    250,
  );
  assert.equal(back.failures, 0);
  assert.equal(back.next_try_at, null);
  assert.equal(back.last_error, null);
  assert.ok(await labToken(lab), 'keystone issues tokens again, with the users it had');
});
