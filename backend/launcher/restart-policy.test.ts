import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RESTART_POLICY, failuresInARow, restartDelayMs } from './restart-policy.js';

test('a crash after a stable run is tried again at once; repeated failures back off 1 s, 2 s, 4 s … up to 30 s', () => {
  const delays = Array.from({ length: 9 }, (_, i) => restartDelayMs(i + 1));
  assert.deepEqual(delays, [250, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
});

test('the delay stays capped however long the outage lasts (no give-up, no overflow)', () => {
  for (const n of [50, 1_000, 1e6]) assert.equal(restartDelayMs(n), DEFAULT_RESTART_POLICY.maxMs);
});

test('the count of failures in a row grows on quick deaths and starts again after a stable run', () => {
  assert.equal(failuresInARow(0, null), 1, 'died before ready the first time');
  assert.equal(failuresInARow(3, null), 4, 'a failed try adds one');
  assert.equal(failuresInARow(4, 2_000), 5, 'died soon after ready: still failing');
  assert.equal(failuresInARow(6, 31_000), 1, 'ran 31 s: a fresh crash');
});

test('a custom policy is honoured', () => {
  const p = { firstMs: 0, baseMs: 100, maxMs: 500, stableMs: 10 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => restartDelayMs(n, p)),
    [0, 100, 200, 400, 500],
  );
  assert.equal(failuresInARow(2, 10, p), 1);
});
