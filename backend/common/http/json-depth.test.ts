import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.js';

test('nesting up to the limit passes; one more level is too deep', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.equal(jsonTooDeep(nest(MAX_JSON_DEPTH)), false);
  assert.equal(jsonTooDeep(nest(MAX_JSON_DEPTH + 1)), true);
  assert.equal(jsonTooDeep('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), true);
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  assert.equal(jsonTooDeep(JSON.stringify({ s: '['.repeat(1000) + '"\\' + '{'.repeat(1000) })), false);
  assert.equal(jsonTooDeep(Buffer.from(JSON.stringify([['\\"[[[[']]))), false);
});

test('real bodies are far from the limit', () => {
  const auth = {
    auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'x' } } } },
  };
  assert.equal(jsonTooDeep(JSON.stringify(auth), 8), false);
});
