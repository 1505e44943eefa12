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

const instance = (uuid: string): Instance =>
  ({
    uuid,
    name: uuid,
    hostname: uuid,
    project_id: 'p',
    user_id: 'u',
    flavor: DEFAULT_FLAVORS[0]!,
    image: { id: 'i', name: 'img', disk_format: 'qcow2', container_format: 'bare', min_ram: 0, min_disk: 0, size: 1, properties: {} },
    requested_az: null,
    availability_zone: null,
    host: null,
    node: null,
    vm_state: 'building',
    task_state: 'scheduling',
    power_state: 0,
    key_name: null,
    key_data: null,
    metadata: {},
    user_data: null,
    description: null,
    tags: [],
    locked: false,
    locked_reason: null,
    addresses: [],
    launch_index: 0,
    reservation_id: 'r',
    created_at: '',
    updated_at: '',
    launched_at: null,
    terminated_at: null,
    fault: null,
    create_request_id: 'req-1',
    seq: 0,
  }) as Instance;

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
