import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listImages, parseListQuery, type RawQuery } from './list-query.js';
import { imageFromCreate, type ImageRecord } from './image-record.js';
import type { GlanceError } from './errors.js';

const admin = { project_id: 'admin', is_admin: true };
const demo = { project_id: 'demo', is_admin: false };
let n = 0;
function img(name: string, extra: Record<string, unknown> = {}, owner = admin): ImageRecord {
  n += 1;
  const id = `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
  return imageFromCreate({ name, ...extra }, owner, new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), () => id);
}
const list = (all: ImageRecord[], q: RawQuery, who = admin) => listImages(all, parseListQuery(q), who, q);

const images = [
  img('a', { architecture: 'x86_64', visibility: 'public' }),
  img('b', { architecture: 'aarch64', visibility: 'public' }),
  img('c', { visibility: 'private' }),
  img('d', {}, demo),
  img('e', { visibility: 'community', owner: 'other' }),
];

test("newest first by default; a demo token sees public and its own, not admin's private", () => {
  assert.deepEqual(
    list(images, {}).images.map((i) => i.name),
    ['d', 'c', 'b', 'a'],
  );
  assert.deepEqual(
    list(images, {}, demo).images.map((i) => i.name),
    ['d', 'b', 'a'],
  );
});

test('filters by name, status, visibility and extra properties', () => {
  assert.deepEqual(
    list(images, { name: 'b' }).images.map((i) => i.name),
    ['b'],
  );
  assert.deepEqual(
    list(images, { architecture: 'aarch64' }).images.map((i) => i.name),
    ['b'],
  );
  assert.deepEqual(
    list(images, { visibility: 'community' }, demo).images.map((i) => i.name),
    ['e'],
  );
  assert.deepEqual(list(images, { status: 'active' }).images, []);
  assert.deepEqual(
    list(images, { name: 'in:a,c' }).images.map((i) => i.name),
    ['c', 'a'],
  );
});

test('sorts by sort_key/sort_dir and by sort=', () => {
  assert.deepEqual(
    list(images, { sort_key: 'name', sort_dir: 'asc' }).images.map((i) => i.name),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(
    list(images, { sort: 'name:desc' }).images.map((i) => i.name),
    ['d', 'c', 'b', 'a'],
  );
});

test('next appears only when the page is full, and carries the filters on', () => {
  const p1 = list(images, { limit: '2', sort_key: 'name', sort_dir: 'asc' });
  assert.deepEqual(
    p1.images.map((i) => i.name),
    ['a', 'b'],
  );
  assert.equal(p1.next, `/v2/images?limit=2&sort_key=name&sort_dir=asc&marker=${p1.images[1]!.id}`);
  const p2 = list(images, { limit: '2', sort_key: 'name', sort_dir: 'asc', marker: p1.images[1]!.id });
  assert.deepEqual(
    p2.images.map((i) => i.name),
    ['c', 'd'],
  );
  assert.ok(p2.next);
  const p3 = list(images, { limit: '2', sort_key: 'name', sort_dir: 'asc', marker: p2.images[1]!.id });
  assert.deepEqual(p3.images, []);
  assert.equal(p3.next, null);
  assert.equal(list(images, {}).next, null);
});

test('bad values are 400s', () => {
  const status = (q: RawQuery) => {
    try {
      list(images, q);
    } catch (e) {
      return (e as GlanceError).status;
    }
    return 200;
  };
  assert.equal(status({ limit: '-1' }), 400);
  assert.equal(status({ sort_key: 'password' }), 400);
  assert.equal(status({ sort_dir: 'up' }), 400);
  assert.equal(status({ visibility: 'everyone' }), 400);
  assert.equal(status({ marker: 'nope' }), 400);
  assert.equal(status({ status: 'weird' }), 400);
});

test('"sort=" without a key is Glance\'s 400 for the empty sort key, not a crash', () => {
  assert.throws(
    () => list(images, { sort: '' }),
    (e: GlanceError) => e.status === 400 && /Invalid sort key: \./.test(e.message),
  );
  assert.throws(
    () => list(images, { sort: ',' }),
    (e: GlanceError) => e.status === 400,
  );
});

test("size=N and the other core columns filter on the image's own attribute, not on a property", () => {
  const sized = [
    { ...img('small', { visibility: 'public' }), size: 1024, checksum: 'abc' },
    { ...img('big', { visibility: 'public' }), size: 2048 },
    img('queued', { visibility: 'public' }),
  ];
  assert.deepEqual(
    list(sized, { size: '1024' }).images.map((i) => i.name),
    ['small'],
  );
  assert.deepEqual(
    list(sized, { checksum: 'abc' }).images.map((i) => i.name),
    ['small'],
  );
  assert.deepEqual(
    list(sized, { size_min: '1500' }).images.map((i) => i.name),
    ['big'],
  );
  assert.throws(() => parseListQuery({ member_status: 'maybe' }), /Invalid status: maybe/);
});

test('member_status lists the shared images a project was offered', () => {
  const offered = img('offered', {}, admin);
  const statusOf = (id: string) => (id === offered.id ? ('pending' as const) : undefined);
  const names = (q: RawQuery) => listImages([offered], parseListQuery(q), demo, q, statusOf).images.map((i) => i.name);
  assert.deepEqual(names({}), []);
  assert.deepEqual(names({ visibility: 'shared', member_status: 'pending' }), ['offered']);
  assert.deepEqual(names({ member_status: 'all' }), ['offered']);
});
