// A state directory written by the previous version (nova's database as one whole document,
// schema 1, with every instance action and scheduling trace inside it) starts, migrated, with
// every instance: a backup of the old file is kept, the conductor says so in one log line, the
// server list (paged, as Nova pages it) has them all, and server event list and the scheduling
// trace still answer for the instance created before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLab } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';
import { readNovaData, traceFile } from '../../backend/conductor/nova-db.js';

const CONF = '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n';
const OLD_INSTANCES = 1500;

/** The previous layout of a document: schema 1, actions and traces as whole-cloud arrays, no journal. */
function previousLayout(dbFile: string): { text: string; uuids: string[]; first: string } {
  const doc = readNovaData(dbFile) as unknown as Record<string, unknown> & {
    instances: { uuid: string; name: string; seq: number }[];
    instance_actions: Record<string, unknown[]>;
    counters: { instance: number };
  };
  const first = doc.instances[0]!;
  const traces = fs
    .readFileSync(traceFile(dbFile), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
  const { instance_actions: byInstance, ...rest } = doc;
  const instances = [...doc.instances];
  for (let k = 0; k < OLD_INSTANCES - 1; k++) {
    instances.push({ ...first, uuid: randomUUID(), name: `old-${k}`, seq: doc.counters.instance + k + 1 });
  }
  const old = {
    ...rest,
    schema: 1,
    counters: { ...doc.counters, instance: doc.counters.instance + OLD_INSTANCES - 1 },
    instances,
    actions: Object.values(byInstance).flat(),
    traces,
  };
  return { text: JSON.stringify(old, null, 2), uuids: instances.map((i) => i.uuid), first: first.uuid };
}

test(`a previous-version state directory with ${OLD_INSTANCES} instances starts migrated, after a backup, with every instance`, async () => {
  let lab = await startLab({ novaConf: CONF });
  const dbFile = path.join(lab.stateDir, 'db', 'nova.json');
  try {
    const nova = await ComputeClient.admin(lab);
    const id = await nova.createServer('before', await nova.imageId('novalab-x86_64'), '1');
    assert.equal((await nova.settled(id)).status, 'ACTIVE');
  } finally {
    await lab.stop();
  }
  // Put the previous version's files in place of this version's.
  const old = previousLayout(dbFile);
  fs.writeFileSync(dbFile, old.text);
  fs.rmSync(dbFile.replace(/\.json$/, '.journal'));
  fs.rmSync(traceFile(dbFile));

  lab = await startLab({ stateDir: lab.stateDir });
  try {
    const backup = `${dbFile}.pre-schema2.bak`;
    assert.equal(fs.readFileSync(backup, 'utf8'), old.text, 'the backup is the old file as it was');
    const logs = fs.readdirSync(path.join(lab.stateDir, 'logs')).filter((f) => f.includes('conductor'));
    const said = logs.flatMap((f) =>
      fs
        .readFileSync(path.join(lab.stateDir, 'logs', f), 'utf8')
        .split('\n')
        .filter((l) => l.includes('previous layout')),
    );
    assert.equal(said.length, 1, `one log line about the migration in ${logs.join(', ')}`);
    assert.ok(said[0]!.includes(backup), said[0]);

    // Every instance, through the API's paging (limit + marker, as a client follows the next links).
    const nova = await ComputeClient.admin(lab);
    const listed: string[] = [];
    let marker: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const r = await nova.request('GET', `/servers/detail?all_tenants=1&limit=1000${marker ? `&marker=${marker}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const servers = r.body.servers as { id: string }[];
      assert.ok(servers.length <= 1000);
      listed.push(...servers.map((s) => s.id));
      if (!r.body.servers_links) break;
      marker = servers[servers.length - 1]!.id;
    }
    assert.deepEqual(new Set(listed), new Set(old.uuids));
    assert.equal(listed.length, OLD_INSTANCES, 'each instance once');

    // What was kept elsewhere in the old document still answers.
    const events = await nova.request('GET', `/servers/${old.first}/os-instance-actions`);
    assert.equal(events.status, 200);
    // (The fake driver forgot its guest across the restart: the power sync may add a "stop".)
    const actions = (events.body.instanceActions as { action: string }[]).map((a) => a.action);
    assert.equal(actions[actions.length - 1], 'create', actions.join(', '));
    const trace = await nova.request('GET', `/servers/${old.first}/os-scheduler-trace`);
    assert.equal(trace.status, 200);
    assert.ok((trace.body.traces as unknown[]).length >= 1, 'the scheduling trace was carried over');
    assert.equal(readNovaData(dbFile).schema, 2);
  } finally {
    await lab.stop();
  }
});
