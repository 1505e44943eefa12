import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendLines, filterLines } from './log-model';

const batch = [
  { at: 0, level: 'INFO' as const, text: 'nova-compute@host-a: ready' },
  { at: 30, level: 'ERROR' as const, text: 'nova-compute@host-a: spawn failed' },
  { at: 70, level: null, text: '    at spawn (driver.js:1:1)' },
  { at: 99, level: 'WARNING' as const, text: 'nova-compute@host-b: slow heartbeat' },
];

test('a stack trace line is filtered with the level of the logger line above it', () => {
  const lines = appendLines([], batch);
  assert.deepEqual(
    filterLines(lines, '', 'ERROR').map((l) => l.at),
    [30, 70],
  );
  assert.deepEqual(
    filterLines(lines, '', 'WARNING').map((l) => l.at),
    [30, 70, 99],
  );
  assert.equal(filterLines(lines, '', 'all').length, 4);
});

test('the text filter ignores case and combines with the level', () => {
  const lines = appendLines([], batch);
  assert.deepEqual(
    filterLines(lines, 'HOST-A', 'all').map((l) => l.at),
    [0, 30],
  );
  assert.deepEqual(
    filterLines(lines, 'host-a', 'ERROR').map((l) => l.at),
    [30],
  );
});

test('the view keeps the newest lines only', () => {
  const kept = appendLines(appendLines([], batch, 3), [{ at: 120, level: null, text: 'more' }], 3);
  assert.deepEqual(
    kept.map((l) => [l.at, l.effective]),
    [
      [70, 'ERROR'],
      [99, 'WARNING'],
      [120, 'WARNING'],
    ],
  );
});
