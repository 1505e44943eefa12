// Times follow the chosen language, not the browser's locale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDateTime, formatTime } from './format';

const at = '2026-12-07T13:52:50Z';

test('a time in 简体中文 has no AM/PM; in English it has', () => {
  assert.doesNotMatch(formatTime(at, 'zh-CN'), /[A-Za-z]/);
  assert.match(formatTime(at, 'en'), /[AP]M/);
});

test("Nova's zone-less times are UTC; what is not a time is shown as it came", () => {
  assert.equal(formatDateTime('2026-12-07T13:52:50.000000', 'zh-CN'), formatDateTime(at, 'zh-CN'));
  assert.equal(formatTime('not a time', 'en'), 'not a time');
});
