import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIsoTime } from './iso-time.js';

test('ISO 8601 times as Nova reads changes-since', () => {
  const cases: [string, string | null][] = [
    ['2011-01-01', '2011-01-01T00:00:00.000Z'],
    ['2011-01-01T12:30:15Z', '2011-01-01T12:30:15.000Z'],
    ['2011-01-01T12:30:15.250Z', '2011-01-01T12:30:15.250Z'],
    ['2011-01-01 12:30', '2011-01-01T12:30:00.000Z'],
    ['2011-01-01T12:30:15+02:00', '2011-01-01T10:30:15.000Z'],
    ['2011-01-01T12:30:15-0130', '2011-01-01T14:00:15.000Z'],
    ['20110101', '2011-01-01T00:00:00.000Z'],
    ['2011', '2011-01-01T00:00:00.000Z'],
    ['2011/01/01', null],
    ['2011-13-01', null],
    ['2011-02-30', null],
    ['yesterday', null],
    ['', null],
    ['2011-01-01T25:00', null],
  ];
  for (const [text, want] of cases) {
    const got = parseIsoTime(text);
    assert.equal(got === null ? null : new Date(got).toISOString(), want, text);
  }
});
