import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../microversion.js';
import { flavorFixture } from '../../shared/testing/model-fixtures.js';
import { flavorBasic, flavorDetail } from './flavor-view.js';

const base = 'http://h:8774';
const v = (s: string) => parseVersion(s)!;
const DETAIL = [
  'OS-FLV-DISABLED:disabled',
  'OS-FLV-EXT-DATA:ephemeral',
  'disk',
  'id',
  'links',
  'name',
  'os-flavor-access:is_public',
  'ram',
  'rxtx_factor',
  'swap',
  'vcpus',
];

test('flavor detail keys by microversion: description from 2.55, extra_specs from 2.61', () => {
  const f = flavorFixture({ extra_specs: { 'hw:cpu_policy': 'shared' } });
  assert.deepEqual(Object.keys(flavorDetail(f, base, v('2.1'))).sort(), DETAIL);
  assert.deepEqual(Object.keys(flavorDetail(f, base, v('2.47'))).sort(), DETAIL);
  assert.deepEqual(Object.keys(flavorDetail(f, base, v('2.55'))).sort(), [...DETAIL, 'description'].sort());
  assert.deepEqual(Object.keys(flavorDetail(f, base, v('2.75'))).sort(), [...DETAIL, 'description', 'extra_specs'].sort());
  assert.deepEqual(Object.keys(flavorDetail(f, base, v('2.96'))).sort(), [...DETAIL, 'description', 'extra_specs'].sort());
  assert.deepEqual(flavorDetail(f, base, v('2.61')).extra_specs, { 'hw:cpu_policy': 'shared' });
});

test('swap is "" when 0 below 2.75 and always a number from 2.75', () => {
  assert.equal(flavorDetail(flavorFixture(), base, v('2.74')).swap, '');
  assert.equal(flavorDetail(flavorFixture(), base, v('2.75')).swap, 0);
  assert.equal(flavorDetail(flavorFixture({ swap: 512 }), base, v('2.1')).swap, 512);
});

test('the index view is id, name and links (and description from 2.55)', () => {
  assert.deepEqual(Object.keys(flavorBasic(flavorFixture(), base, v('2.1'))).sort(), ['id', 'links', 'name']);
  assert.deepEqual(Object.keys(flavorBasic(flavorFixture(), base, v('2.55'))).sort(), ['description', 'id', 'links', 'name']);
  assert.deepEqual(flavorBasic(flavorFixture(), base, v('2.1')).links, [
    { rel: 'self', href: 'http://h:8774/v2.1/flavors/1' },
    { rel: 'bookmark', href: 'http://h:8774/flavors/1' },
  ]);
});
