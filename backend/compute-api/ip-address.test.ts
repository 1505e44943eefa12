import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortIPv6 } from './ip-address.js';

test('access IPv6 addresses are stored in their compact form, as Nova shows them', () => {
  const cases: [string, string][] = [
    ['0000:0000:0000:0000:0000:babe:220.12.22.2', '::babe:dc0c:1602'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:2001::3', '2001:2001::3'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::', '::'],
  ];
  for (const [given, stored] of cases) assert.equal(shortIPv6(given), stored, given);
});
