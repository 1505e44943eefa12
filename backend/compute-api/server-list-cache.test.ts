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

/** A conductor whose answers are held until released, to order them against writes. */
function heldConductor() {
  const db = { generation: 1, names: ['a'] };
  const calls: { known: string | null; release: () => void }[] = [];
  const since: ListSince = (_f, known) =>
    new Promise((resolve) => {
      // The conductor reads the database when the call reaches it, i.e. now.
      const generation = String(db.generation);
      const answer = {
        generation,
        instances: known === generation ? null : db.names.map((name) => ({ uuid: name, name }) as ListedInstance),
      };
      calls.push({ known, release: () => resolve(answer) });
    });
  return { db, calls, since };
}

const names = (l: { instances: ListedInstance[] }) => l.instances.map((i) => i.name);
const tick = () => new Promise((r) => setImmediate(r));

test('a request never gets the answer of a call made before it arrived (a write may lie between)', async () => {
  const c = heldConductor();
  const cache = new ServerListCache();
  const filter = { project_id: 'p', limit: 1000 };
  const first = cache.list(c.since, filter);
  await tick();
  assert.equal(c.calls.length, 1);
  // A write is acknowledged after the first call read the database, then a client lists.
  c.db.names = ['renamed'];
  c.db.generation++;
  const second = cache.list(c.since, filter);
  await tick();
  assert.equal(c.calls.length, 1, 'the second request waits for the call on its way');
  c.calls[0]!.release();
  assert.deepEqual(names(await first), ['a'], 'the first request was answered as the database was when it arrived');
  await tick();
  assert.equal(c.calls.length, 2, 'then makes its own call');
  c.calls[1]!.release();
  assert.deepEqual(names(await second), ['renamed']);
});

test('a hundred requests at once cost two conductor calls, and the list is fetched whole once', async () => {
  const c = heldConductor();
  const cache = new ServerListCache();
  const filter = { project_id: 'p', limit: 1000 };
  const all = Array.from({ length: 100 }, () => cache.list(c.since, filter));
  await tick();
  c.calls[0]!.release();
  await tick();
  assert.equal(c.calls.length, 2);
  assert.equal(c.calls[1]!.known, '1', 'the second call only asks whether the copy is current');
  c.calls[1]!.release();
  const lists = await Promise.all(all);
  assert.ok(lists.every((l) => l.instances === lists[0]!.instances && names(l)[0] === 'a'));
  // Later requests make calls of their own again.
  const later = cache.list(c.since, filter);
  await tick();
  assert.equal(c.calls.length, 3);
  c.calls[2]!.release();
  assert.deepEqual(names(await later), ['a']);
});

test('a failed call fails the requests that shared it, and the next request asks again', async () => {
  const cache = new ServerListCache();
  let fail = true;
  const since: ListSince = async () => {
    if (fail) throw new Error('conductor gone');
    return { generation: '1', instances: [{ uuid: 'a', name: 'a' } as ListedInstance] };
  };
  await assert.rejects(cache.list(since, { project_id: 'p' }), /conductor gone/);
  fail = false;
  assert.deepEqual(names(await cache.list(since, { project_id: 'p' })), ['a']);
});
