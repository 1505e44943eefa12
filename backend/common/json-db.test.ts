import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseRefusal, openJsonDb, shape, type JsonDbSpec } from './json-db.js';

interface Doc {
  items: string[];
}

function lab(evidence: string | null = null) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'json-db-'));
  const spec: JsonDbSpec<Doc> = {
    file: path.join(root, 'db', 'x.json'),
    what: "x's database",
    marker: path.join(root, 'initialised', 'x'),
    stateDir: root,
    empty: () => ({ items: [] }),
    shapeProblems: (d) => (shape.isObject(d) ? shape.fields(d, ['items'], [], ['items']) : ['not an object']),
    evidence: () => evidence,
  };
  return { root, spec };
}

const refusal = async (spec: JsonDbSpec<Doc>, pattern: RegExp) => {
  await assert.rejects(openJsonDb(spec), (err: Error) => {
    assert.ok(err instanceof DatabaseRefusal, err.message);
    assert.ok(err.message.includes(spec.file), `names the file: ${err.message}`);
    assert.match(err.message, /Restore .* from a backup, or remove the state directory/);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    assert.match(err.message, pattern);
    return true;
  });
};

test('a first start creates the file and its marker; a second open reads what was written', async () => {
  const { spec } = lab();
  const db = await openJsonDb(spec);
  assert.ok(fs.existsSync(spec.file) && fs.existsSync(spec.marker!));
  db.data.items.push('a');
  await db.write();
  assert.deepEqual((await openJsonDb(spec)).data, { items: ['a'] });
  assert.deepEqual(fs.readdirSync(path.dirname(spec.file)), ['x.json'], 'no temporary file left behind');
});

test('a missing file after the first start is refused, and nothing is created in its place', async () => {
  const { spec } = lab();
  await openJsonDb(spec);
  fs.rmSync(spec.file);
  await refusal(spec, /is missing, but it was created before/);
  assert.equal(fs.existsSync(spec.file), false);
});

test('a missing file with other signs of a lab (no marker yet) is refused too', async () => {
  const { spec } = lab('2 instance directories are under /somewhere');
  await refusal(spec, /is missing, but 2 instance directories are under/);
});

test('truncated, empty, garbage and wrongly shaped files are refused and left untouched', async () => {
  const cases: [string, RegExp][] = [
    ['{"items": ["a", "b"', /corrupt or truncated \(it is not valid JSON/],
    ['', /corrupt or truncated \(the file is empty\)/],
    ['\u0000\u0001garbage', /corrupt or truncated/],
    ['[]', /not a database novalab wrote \(not an object\)/],
    ['{"items": 5}', /not a database novalab wrote \("items" is not a list\)/],
    ['{}', /not a database novalab wrote \(no "items"\)/],
  ];
  for (const [text, pattern] of cases) {
    const { spec } = lab();
    fs.mkdirSync(path.dirname(spec.file), { recursive: true });
    fs.writeFileSync(spec.file, text);
    await refusal(spec, pattern);
    assert.equal(fs.readFileSync(spec.file, 'utf8'), text, 'the refused file is kept for the user to restore or inspect');
  }
});

test('a database path that cannot be read (a folder) is refused with the reason', async () => {
  const { spec } = lab();
  fs.mkdirSync(spec.file, { recursive: true });
  await refusal(spec, /cannot be read \(EISDIR\)/);
});

test('an existing database of a lab from before markers gets its marker', async () => {
  const { spec } = lab();
  fs.mkdirSync(path.dirname(spec.file), { recursive: true });
  fs.writeFileSync(spec.file, '{"items":["old"]}');
  assert.deepEqual((await openJsonDb(spec)).data.items, ['old']);
  assert.ok(fs.existsSync(spec.marker!));
});

test('writes asked for while one is on its way share the next one and all land', async () => {
  const { spec } = lab();
  const db = await openJsonDb(spec);
  const writes = [];
  for (let i = 0; i < 20; i++) {
    db.data.items.push(String(i));
    writes.push(db.write());
  }
  await Promise.all(writes);
  assert.equal((JSON.parse(fs.readFileSync(spec.file, 'utf8')) as Doc).items.length, 20);
});
