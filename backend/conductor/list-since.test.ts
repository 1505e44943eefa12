// nova-api keeps rendered server lists against the database generation: every write must
// change it before the write is acknowledged, or a client would list what it just changed
// in its old state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NovaDb } from './nova-db.js';
import { recordsApi } from './records.js';
import { listSince } from './list-since.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';
import type { Instance } from '../../contract/model.js';
import { buildingInstanceFixture } from '../shared/testing/model-fixtures.js';

const instance = (uuid: string): Instance => buildingInstanceFixture(uuid, DEFAULT_FLAVORS[0]!);

test('an unchanged list answers "unchanged"; every write to an instance lists again, a heartbeat does not', async () => {
  const db = await NovaDb.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-since-')), 'nova.json'));
  const records = recordsApi(db, { serviceDownTime: () => 60, publish: () => undefined });
  const since = listSince(db, records);
  await records.instance_create([instance('a')]);

  const first = await since({ project_id: 'p' }, null);
  assert.deepEqual(
    first.instances?.map((i) => i.name),
    ['a'],
  );
  const again = await since({ project_id: 'p' }, first.generation);
  assert.equal(again.instances, null);
  assert.equal(again.generation, first.generation);

  // What the list shows does not come from the services table: a heartbeat keeps the copy.
  await records.service_heartbeat('nova-compute', 'host-a', 'nova');
  assert.equal((await since({ project_id: 'p' }, first.generation)).instances, null);

  // Every way an instance record changes makes the caller's copy stale.
  let known = first.generation;
  const changes: [string, () => Promise<unknown>, string[]][] = [
    ['rename', () => records.instance_update('a', { name: 'renamed' }), ['renamed']],
    ['state change', () => records.instance_update('a', { vm_state: 'active', task_state: null }), ['renamed']],
    ['create', () => records.instance_create([{ ...instance('b'), name: 'b' }]), ['b', 'renamed']],
    ['delete', () => records.instance_destroy('b'), ['renamed']],
  ];
  for (const [what, change, names] of changes) {
    await change();
    const after = await since({ project_id: 'p' }, known);
    assert.notEqual(after.instances, null, what);
    assert.deepEqual(
      after.instances!.map((i) => i.name),
      names,
      what,
    );
    known = after.generation;
  }
  assert.equal((await since({ project_id: 'p' }, known)).instances, null);
});

test('another conductor process never hands out the same generation', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-since-')), 'nova.json');
  const a = await NovaDb.open(file);
  await new Promise((r) => setTimeout(r, 5));
  const b = await NovaDb.open(file);
  assert.notEqual(a.instancesGeneration, b.instancesGeneration);
});
