import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListedInstance } from '../../contract/model.js';
import type { InstanceFilter } from '../rpc/conductor-api.js';
import { ServerListCache, type ListSince } from './server-list-cache.js';

/** A conductor whose database has a generation, as the real one: lists only when it changed. */
function conductor() {
  const db = { generation: 1, names: ['a', 'b'] };
  const calls: (string | null)[] = [];
  const since: ListSince = async (_f: InstanceFilter, known) => {
    calls.push(known);
    const generation = String(db.generation);
    if (known === generation) return { generation, instances: null };
    return { generation, instances: db.names.map((name) => ({ uuid: name, name }) as ListedInstance) };
  };
  return { db, calls, since };
}

test('an unchanged list is rendered once per view; a write renders it again', async () => {
  const c = conductor();
  const cache = new ServerListCache();
  let renders = 0;
  const get = async (view: string) => {
    const l = await cache.list(c.since, { project_id: 'p', limit: 1000 });
    const body = cache.body(l.key, l.instances, view, () => {
      renders++;
      return Buffer.from(JSON.stringify(l.instances.map((i) => `${view}:${i.name}`)));
    });
    return body.toString();
  };

  assert.equal(await get('2.79'), '["2.79:a","2.79:b"]');
  assert.equal(await get('2.79'), '["2.79:a","2.79:b"]');
  assert.equal(renders, 1);
  assert.deepEqual(c.calls, [null, '1'], 'the second list told the conductor what it holds');

  assert.equal(await get('2.1'), '["2.1:a","2.1:b"]', 'another microversion is its own rendering');
  assert.equal(renders, 2);

  c.db.names = ['a', 'renamed'];
  c.db.generation++;
  assert.equal(await get('2.79'), '["2.79:a","2.79:renamed"]');
  assert.equal(renders, 3);
});

test('each filter (project, page, marker) is its own list', async () => {
  const c = conductor();
  const cache = new ServerListCache();
  const a = await cache.list(c.since, { project_id: 'p' });
  const b = await cache.list(c.since, { project_id: 'q' });
  assert.notEqual(a.key, b.key);
  assert.deepEqual(c.calls, [null, null]);
});
