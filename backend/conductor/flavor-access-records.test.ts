import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NovaDb } from './nova-db.js';
import { recordsApi } from './records.js';
import { usageWindow } from './usage-window.js';
import { BusFailure } from '../bus/errors.js';
import { flavorFixture, instanceFixture } from '../shared/testing/model-fixtures.js';

const tmpFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-fa-')), 'nova.json');

async function refusal(p: Promise<unknown>): Promise<{ name: string; code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BusFailure);
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

test('a private flavor is listed to the projects given access, and the list survives a restart', async () => {
  const file = tmpFile();
  const api = recordsApi(await NovaDb.open(file), { serviceDownTime: () => 60 });
  await api.flavor_create(flavorFixture({ id: 'priv', name: 'private-1', is_public: false }));
  const names = async (o: { include_private?: boolean; project_id?: string }) =>
    (await api.flavor_list(o)).filter((f) => f.id === 'priv').map((f) => f.name);

  assert.deepEqual(await api.flavor_access_list('priv'), []);
  assert.deepEqual(await names({ project_id: 'demo' }), []);
  assert.deepEqual(await api.flavor_access_add('priv', 'demo'), ['demo']);
  assert.deepEqual(await api.flavor_access_add('priv', 'other'), ['demo', 'other']);
  assert.deepEqual(await names({ project_id: 'demo' }), ['private-1']);
  assert.deepEqual(await names({ project_id: 'third' }), []);
  assert.deepEqual(await names({ include_private: true }), ['private-1']);
  // A project's query finds the flavor only with access; without a project, every flavor.
  assert.equal((await api.flavor_get('priv', 'demo'))?.name, 'private-1');
  assert.equal(await api.flavor_get('priv', 'third'), null);
  assert.equal((await api.flavor_get('priv'))?.name, 'private-1');
  assert.equal((await api.flavor_get('1', 'third'))?.name, 'm1.tiny');

  assert.deepEqual(await refusal(api.flavor_access_add('priv', 'demo')), {
    name: 'FlavorAccessExists',
    code: 409,
    message: 'Flavor access already exists for flavor priv and project demo combination.',
  });
  assert.deepEqual(await refusal(api.flavor_access_remove('priv', 'third')), {
    name: 'FlavorAccessNotFound',
    code: 404,
    message: 'Flavor access not found for priv / third combination.',
  });
  assert.deepEqual(await refusal(api.flavor_access_add('nope', 'demo')), {
    name: 'FlavorNotFound',
    code: 404,
    message: 'Flavor nope could not be found.',
  });
  assert.equal(await api.flavor_access_list('nope'), null);
  assert.deepEqual(await api.flavor_access_remove('priv', 'other'), ['demo']);

  const again = recordsApi(await NovaDb.open(file), { serviceDownTime: () => 60 });
  assert.deepEqual(await again.flavor_access_list('priv'), ['demo']);
  // Deleting the flavor takes its access list with it: a new flavor of that id starts empty.
  assert.equal(await again.flavor_delete('priv'), true);
  await again.flavor_create(flavorFixture({ id: 'priv', name: 'private-2', is_public: false }));
  assert.deepEqual(await again.flavor_access_list('priv'), []);
});

test('the usage window: active in the period, deleted ones too, by project and uuid, paged after a marker', () => {
  const at = (uuid: string, project_id: string, launched_at: string | null, terminated_at: string | null = null) =>
    instanceFixture({ uuid, project_id, launched_at, terminated_at });
  const rows = [
    at('b', 'p1', '2026-12-07T01:00:00.000Z'),
    at('a', 'p2', '2026-12-07T01:00:00.000Z'),
    at('c', 'p1', '2026-12-07T01:00:00.000Z', '2026-12-07T02:00:00.000Z'),
    at('gone-before', 'p1', '2026-12-06T01:00:00.000Z', '2026-12-06T02:00:00.000Z'),
    at('z-after', 'p1', '2026-12-08T01:00:00.000Z'),
    at('never-launched', 'p1', null),
  ];
  const q = { begin: '2026-12-07T00:00:00.000Z', end: '2026-12-07T12:00:00.000Z' };
  assert.deepEqual(
    usageWindow(rows, q).map((i) => i.uuid),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(
    usageWindow(rows, { ...q, project_id: 'p1' }).map((i) => i.uuid),
    ['b', 'c'],
  );
  assert.deepEqual(
    usageWindow(rows, { ...q, limit: 1, marker: 'b' }).map((i) => i.uuid),
    ['c'],
  );
  // A marker outside the window still places the page; an unknown one is refused.
  assert.deepEqual(
    usageWindow(rows, { ...q, marker: 'z-after' }).map((i) => i.uuid),
    ['a'],
  );
  assert.throws(() => usageWindow(rows, { ...q, marker: 'zzz' }), /Marker zzz could not be found\./);
  assert.deepEqual(usageWindow(rows, q)[0]!.flavor, {
    name: rows[0]!.flavor.name,
    ram: rows[0]!.flavor.ram,
    disk: rows[0]!.flavor.disk,
    ephemeral: rows[0]!.flavor.ephemeral,
    vcpus: rows[0]!.flavor.vcpus,
  });
});
