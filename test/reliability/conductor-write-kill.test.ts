// The conductor (nova's only database writer) killed with SIGKILL during writes: the database
// files (snapshot + journal) always load, and hold either the last acknowledged state or the one being
// written — never a mix, never empty. First the write path alone (a writer process killed at
// random moments, seeded), then the real conductor of a running lab under a create load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { distPath } from '../../backend/common/app-root.js';
import { novaShapeProblems, readNovaData, type NovaData } from '../../backend/conductor/nova-db.js';
import { startLab, eventually } from '../../harness/lab-process.js';
import { runningService, kill9 } from '../../harness/lab-services.js';
import { ComputeClient } from '../../harness/compute-client.js';

const SEED = Number(process.env.NOVALAB_RELIABILITY_SEED ?? 20261207);
/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the files hold (snapshot + journal); throws (a DatabaseRefusal) on a torn snapshot or a damaged journal. */
function readDb(file: string): NovaData {
  const doc = readNovaData(file);
  assert.deepEqual(novaShapeProblems(doc), [], "the files are nova's database");
  return doc;
}

test(`the write path: 40 SIGKILLs at random moments of a write loop leave the last acknowledged or the next state (seed ${SEED})`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-dbkill-'));
  const file = path.join(dir, 'db', 'nova.json');
  const marker = path.join(dir, 'initialised', 'nova');
  const random = rng(SEED);
  let writes = 0;
  for (let round = 0; round < 40; round++) {
    const child = spawn(process.execPath, [distPath('test', 'reliability', 'support', 'db-writer.js'), file, marker], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked: number | null = null;
    let opened: number | null = null;
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    let buf = '';
    const firstAck = new Promise<void>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        buf += c;
        for (const m of buf.matchAll(/^(open|ack) (\d+)$/gm)) {
          if (m[1] === 'open') opened = Number(m[2]);
          else {
            acked = Number(m[2]);
            resolve();
          }
        }
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
      }),
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await Promise.race([firstAck, exited]);
    assert.notEqual(acked, null, `the writer could not reopen the database after a kill: ${err}`);
    // Let it write for a random while, then kill it in the middle of whatever it is doing.
    await new Promise((r) => setTimeout(r, 5 + random() * 150));
    child.kill('SIGKILL');
    await exited;
    const ackedAtKill = acked as unknown as number;
    const onDisk = readDb(file).counters.instance;
    assert.ok(
      onDisk === ackedAtKill || onDisk === ackedAtKill + 1,
      `round ${round}: the file holds change ${onDisk}; the last acknowledged was ${ackedAtKill}`,
    );
    if (round > 0) assert.ok((opened ?? 0) >= 1, 'each restart reopened the previous state');
    writes += onDisk - (opened ?? 0);
  }
  process.stdout.write(`# write path: 40 kills, ${writes} acknowledged writes, every file whole\n`);
});

test('the real conductor killed 8 times during server creates: the database is always whole and holds every acknowledged instance', async () => {
  const lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  let stop = false;
  try {
    const nova = await ComputeClient.admin(lab);
    const image = await nova.imageId('novalab-x86_64');
    // Many small creates: the quota must not be what stops them.
    const q = await nova.request('PUT', `/os-quota-sets/${await nova.projectId()}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const file = path.join(lab.stateDir, 'db', 'nova.json');
    const acknowledged: string[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const r = await nova
          .request('POST', '/servers', {
            server: {
              name: `w-${i}`,
              imageRef: image,
              flavorRef: '1',
              networks: 'none',
            },
          })
          .catch(() => null);
        if (r?.status === 202) acknowledged.push(r.body.server.id as string);
        else if (r && r.status < 500) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
    })();
    const random = rng(SEED + 1);
    let last: number | undefined;
    for (let kill = 0; kill < 8; kill++) {
      const pid = (await runningService(lab, 'nova-conductor', undefined, last)).pid!;
      last = pid;
      const before = acknowledged.length;
      await eventually('creates going through', () => acknowledged.length > before, 60_000, 20);
      await new Promise((r) => setTimeout(r, random() * 300));
      kill9(pid);
      const doc = readDb(file);
      const inFile = new Set(doc.instances.map((i) => i.uuid));
      const missing = acknowledged.filter((id) => !inFile.has(id));
      assert.deepEqual(missing, [], `kill ${kill}: instances acknowledged (202) but not in the file`);
    }
    stop = true;
    await load;
    // After the last restart the lab answers and lists them all.
    const listed = await eventually(
      'the server list after the restarts',
      async () => {
        const r = await nova.request('GET', '/servers?limit=1000');
        return r.status === 200 ? new Set((r.body.servers as { id: string }[]).map((s) => s.id)) : null;
      },
      60_000,
    );
    assert.deepEqual(
      acknowledged.filter((id) => !listed.has(id)),
      [],
    );
    process.stdout.write(`# real conductor: 8 kills, ${acknowledged.length} creates acknowledged, all in the file\n`);
  } finally {
    stop = true;
    await lab.stop();
  }
});
