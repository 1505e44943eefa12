import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseRefusal, shape } from './json-db.js';
import { journalPath, openJournalDb, readJournalDb, type JournalDbSpec } from './journal-db.js';

interface Row {
  id: string;
  n: number;
  tags: string[];
  meta: Record<string, string>;
}
interface Doc {
  counters: { rows: number };
  rows: Row[];
  byName: Record<string, { v: number }>;
  [table: string]: unknown;
}

function lab(extra: Partial<JournalDbSpec<Doc>> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-db-'));
  const spec: JournalDbSpec<Doc> = {
    file: path.join(root, 'db', 'x.json'),
    what: "x's database",
    marker: path.join(root, 'initialised', 'x'),
    stateDir: root,
    empty: () => ({ counters: { rows: 0 }, rows: [], byName: {} }),
    shapeProblems: (d) => (shape.isObject(d) ? shape.fields(d, ['rows'], ['counters'], ['rows']) : ['not an object']),
    ...extra,
  };
  return { root, spec };
}

const row = (i: number): Row => ({ id: `row-${i}`, n: i, tags: ['a', 'b'], meta: { pad: 'x'.repeat(400) } });

test('every kind of write reaches the disk and a reopen (and a read-only load) sees the same document', async () => {
  const { spec } = lab();
  const db = await openJournalDb(spec);
  await db.mutate((d) => {
    for (let i = 0; i < 5; i++) d.rows.push(row(i));
    d.counters.rows = 5;
    d.byName.a = { v: 1 };
  });
  const r2 = db.data.rows[2]!;
  await db.mutate(() => {
    r2.n = 20; // a record found before the mutation, changed inside it
    r2.tags.push('c'); // nested array
    delete r2.meta.pad; // nested delete
  });
  await db.mutate((d) => {
    d.rows.splice(0, 1); // every later record moves up
    d.byName.b = { v: 2 };
    delete d.byName.a;
    d.newTable = { fresh: true }; // a table no one declared
  });
  await db.mutate((d) => {
    d.rows[0]!.meta.k = 'v'; // a record after it moved
    d.rows = d.rows.filter((r) => r.n !== 3); // a table replaced whole
  });
  const expected = JSON.parse(JSON.stringify(db.plain)) as Doc;
  assert.deepEqual(readJournalDb(spec), expected);
  await db.close();
  const again = await openJournalDb(spec);
  assert.deepEqual(again.plain, expected);
  assert.deepEqual(
    again.plain.rows.map((r) => r.n),
    [1, 20, 4],
  );
  await again.close();
});

test('bytes written per mutation do not grow with the database: 100 vs 5,000 records', async () => {
  const perMutation = async (records: number) => {
    const { spec } = lab({ compactAtBytes: 1024 ** 3 });
    const db = await openJournalDb(spec);
    await db.mutate((d) => {
      for (let i = 0; i < records; i++) d.rows.push(row(i));
    });
    const before = { ...db.stats };
    // What a create and an update do: one new record, one changed record, a counter.
    for (let k = 0; k < 20; k++) {
      await db.mutate((d) => {
        d.rows.push(row(records + k));
        d.counters.rows += 1;
      });
      const r = db.data.rows.find((x) => x.n === k)!;
      await db.mutate(() => Object.assign(r, { n: -k }));
    }
    await db.close();
    assert.equal(db.stats.snapshots, before.snapshots, 'no snapshot in between');
    return (db.stats.journalBytes - before.journalBytes) / (db.stats.commits - before.commits);
  };
  const small = await perMutation(100);
  const large = await perMutation(5000);
  process.stdout.write(`# bytes per mutation: ${small.toFixed(0)} at 100 records, ${large.toFixed(0)} at 5,000\n`);
  assert.ok(small < 2000, `${small} bytes per mutation at 100 records`);
  assert.ok(large <= small * 1.1, `${large} bytes per mutation at 5,000 records vs ${small} at 100`);
});

test('the journal is folded into a snapshot once it outgrows it, and nothing is lost across the fold', async () => {
  const { spec } = lab({ compactAtBytes: 10_000 });
  const db = await openJournalDb(spec);
  for (let i = 0; i < 200; i++) await db.mutate((d) => d.rows.push(row(i)));
  assert.ok(db.stats.snapshots >= 3, `${db.stats.snapshots} snapshots`);
  assert.ok(fs.statSync(journalPath(spec.file)).size < Math.max(10_000, fs.statSync(spec.file).size) + 1000);
  await db.close();
  assert.equal(readJournalDb(spec).rows.length, 200);
});

test('a journal cut in the middle of its last line: the reopen has every acknowledged mutation before it', async () => {
  const { spec } = lab();
  const db = await openJournalDb(spec);
  for (let i = 0; i < 10; i++) await db.mutate((d) => d.rows.push(row(i)));
  await db.close();
  const j = journalPath(spec.file);
  const size = fs.statSync(j).size;
  const lastLine = fs.readFileSync(j, 'utf8').trimEnd().split('\n').pop()!;
  fs.truncateSync(j, size - Math.floor(lastLine.length / 2));
  assert.deepEqual(
    readJournalDb(spec).rows.map((r) => r.n),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  const again = await openJournalDb(spec);
  assert.equal(again.plain.rows.length, 9);
  await again.mutate((d) => d.rows.push(row(99)));
  await again.close();
  assert.deepEqual(
    readJournalDb(spec).rows.map((r) => r.n),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 99],
  );
});

test('damage is refused, never dropped: a bad line with good ones after it, a corrupt snapshot, a missing journal', async () => {
  const { spec } = lab();
  const db = await openJournalDb(spec);
  for (let i = 0; i < 5; i++) await db.mutate((d) => d.rows.push(row(i)));
  await db.close();
  const j = journalPath(spec.file);
  const good = fs.readFileSync(j, 'utf8');
  const refused = async (pattern: RegExp) =>
    assert.rejects(openJournalDb(spec), (err: Error) => {
      assert.ok(err instanceof DatabaseRefusal, err.message);
      assert.match(err.message, pattern);
      assert.match(err.message, /Restore .* from a backup, or remove the state directory/);
      return true;
    });
  const lines = good.split('\n');
  lines[2] = lines[2]!.replace('row-1', 'row-X');
  fs.writeFileSync(j, lines.join('\n'));
  await refused(/journal .* is corrupt \(line 3 is damaged and later lines follow it\)/);
  fs.rmSync(j);
  await refused(/journal .* is missing/);
  fs.writeFileSync(j, good);
  const snapshot = fs.readFileSync(spec.file);
  fs.truncateSync(spec.file, Math.floor(snapshot.length / 2));
  await refused(/is corrupt or truncated \(it is not valid JSON/);
  fs.writeFileSync(spec.file, snapshot);
  assert.equal((await openJournalDb(spec)).plain.rows.length, 5);
});

test('a previous-layout file (one whole document) is migrated after a backup, and says so', async () => {
  const { spec } = lab();
  fs.mkdirSync(path.dirname(spec.file), { recursive: true });
  const old = JSON.stringify({ counters: { rows: 2 }, rows: [row(0), row(1)], byName: {}, legacy: [1, 2] }, null, 2);
  fs.writeFileSync(spec.file, old);
  const said: string[] = [];
  const db = await openJournalDb({
    ...spec,
    migrationTag: 'v2',
    log: (l) => said.push(l),
    migrate: (d) => {
      const { legacy: _l, ...rest } = d as Doc & { legacy?: unknown };
      return { ...rest, moved: true } as unknown as Doc;
    },
  });
  assert.equal(fs.readFileSync(`${spec.file}.pre-v2.bak`, 'utf8'), old, 'the backup is the file as it was');
  assert.equal(said.length, 1);
  assert.match(said[0]!, /previous layout: migrated .* kept as .*x\.json\.pre-v2\.bak/);
  assert.equal(db.plain.rows.length, 2);
  await db.close();
  const again = readJournalDb(spec) as Doc & { moved?: boolean; legacy?: unknown };
  assert.equal(again.moved, true);
  assert.equal(again.legacy, undefined);
});

test('an object stored in two records: a change made through either reaches both on disk', async () => {
  const { spec } = lab();
  const db = await openJournalDb(spec);
  const shared = { pad: 'shared' };
  await db.mutate((d) => {
    d.rows.push({ ...row(0), meta: shared }, { ...row(1), meta: shared });
  });
  await db.mutate((d) => {
    d.rows[1]!.meta.pad = 'changed';
  });
  await db.close();
  assert.deepEqual(
    readJournalDb(spec).rows.map((r) => r.meta.pad),
    ['changed', 'changed'],
  );
});

test('writesTo(table) grows with every kind of write to that table, and only to it', async () => {
  const { spec } = lab();
  const db = await openJournalDb(spec);
  await db.mutate((d) => {
    for (let i = 0; i < 3; i++) d.rows.push(row(i));
    d.byName.a = { v: 1 };
  });
  const held = db.data.rows[1]!;
  const shared = { v: 7 };
  await db.mutate((d) => {
    d.byName.s = shared;
  });
  // Each write below, alone, must move the count of `rows` (a derived copy of it is stale after it).
  const writes: [string, (d: Doc) => void][] = [
    ['a field of a record', (d) => void (d.rows[0]!.n = 100)],
    ['a nested array', (d) => void d.rows[2]!.tags.push('z')],
    ['a nested delete', (d) => void delete d.rows[0]!.meta.pad],
    ['a record found before the mutation', () => void (held.n = 42)],
    ['an append', (d) => void d.rows.push(row(9))],
    ['a removal', (d) => void d.rows.splice(0, 1)],
    ['the table replaced whole', (d) => void (d.rows = d.rows.filter((r) => r.n !== 42))],
    [
      'an object it shares with another table, changed through that table',
      (d) => {
        d.rows[0]!.meta = shared as unknown as Record<string, string>;
      },
    ],
    ['the shared object, through the other table', (d) => void (d.byName.s!.v = 8)],
  ];
  for (const [what, change] of writes) {
    const before = db.writesTo('rows');
    await db.mutate(change);
    assert.ok(db.writesTo('rows') > before, what);
  }
  // Writes elsewhere leave it as it is.
  const before = db.writesTo('rows');
  await db.mutate((d) => {
    d.counters.rows = 99;
    d.byName.b = { v: 2 };
    delete d.byName.a;
  });
  assert.equal(db.writesTo('rows'), before);
  assert.ok(db.writesTo('byName') > 0);
  await db.close();
});
