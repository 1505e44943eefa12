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

test('an unchanged database answers "unchanged"; every write, heartbeat included, lists again', async () => {
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

  await records.instance_update('a', { name: 'renamed' });
  const after = await since({ project_id: 'p' }, first.generation);
  assert.deepEqual(
    after.instances?.map((i) => i.name),
    ['renamed'],
  );

  await records.service_heartbeat('nova-compute', 'host-a', 'nova');
  assert.notEqual((await since({ project_id: 'p' }, after.generation)).instances, null);
});

test('another conductor process never hands out the same generation', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-since-')), 'nova.json');
  const a = await NovaDb.open(file);
  await new Promise((r) => setTimeout(r, 5));
  const b = await NovaDb.open(file);
  assert.notEqual(a.generation, b.generation);
});
