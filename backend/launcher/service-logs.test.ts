import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logLevel, readServiceLog, readWindow, showLogLine, splitLogChunk } from './service-logs.js';

const line = (level: string, msg: string) => `2026-12-07T12:00:00.000Z 4242 ${level} nova-compute@host-a: ${msg}`;

test("the level is read from the lab logger's lines; other output has none", () => {
  assert.equal(logLevel(line('WARNING', 'x')), 'WARNING');
  assert.equal(logLevel(line('ERROR', 'x')), 'ERROR');
  assert.equal(logLevel('    at Object.<anonymous> (/x.js:1:1)'), null);
  assert.equal(logLevel('INFO at the start is not a logger line'), null);
});

test('tokens are masked in a served line: query strings, auth headers and JSON fields', () => {
  const shown = showLogLine(
    `GET /vnc_auto.html?token=abc123 X-Auth-Token: gAAAAsecret {"admin_password":"novalab","auth_token":"t0k","name":"vm-1"}`,
  );
  for (const secret of ['abc123', 'gAAAAsecret', 'novalab', 't0k']) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  assert.ok(shown.includes('"name":"vm-1"'), 'other fields are kept');
});

test('only complete lines are served; a line still being written waits for the next read', () => {
  const { lines, end } = splitLogChunk(Buffer.from('one\ntwo\nthr'), 100);
  assert.deepEqual(
    lines.map((l) => [l.at, l.text]),
    [
      [100, 'one'],
      [104, 'two'],
    ],
  );
  assert.equal(end, 108);
});

test('the tail is read from the end; an offset past the end (a new file) reads the tail again', () => {
  assert.deepEqual(readWindow(1000, null, 300), { start: 700, end: 1000, tail: true });
  assert.deepEqual(readWindow(1000, 900, 300), { start: 900, end: 1000, tail: false });
  assert.deepEqual(readWindow(1000, 100, 300), { start: 100, end: 400, tail: false });
  assert.deepEqual(readWindow(50, 900, 300), { start: 0, end: 50, tail: true });
});

test('a big log is served as its last whole lines, never whole; later reads give only new lines', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svc-log-'));
  const file = path.join(dir, 'x.log');
  fs.writeFileSync(file, Array.from({ length: 5000 }, (_, i) => line('INFO', `line ${i}`)).join('\n') + '\n');
  const limit = { bytes: 16 * 1024, lines: 50, lineChars: 4000 };
  const first = await readServiceLog(file, null, limit);
  assert.equal(first.truncated, true);
  assert.equal(first.lines.length, 50);
  assert.match(first.lines.at(-1)!.text, /line 4999$/);
  assert.equal(first.next, fs.statSync(file).size);
  fs.appendFileSync(file, `${line('ERROR', 'new one')}\npartial`);
  const next = await readServiceLog(file, first.next, limit);
  assert.deepEqual(
    next.lines.map((l) => [l.level, l.text.endsWith('new one')]),
    [['ERROR', true]],
  );
  assert.deepEqual((await readServiceLog(path.join(dir, 'none.log'), null, limit)).lines, []);
  fs.rmSync(dir, { recursive: true });
});
