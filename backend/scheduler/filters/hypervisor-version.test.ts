import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedCondition, parseVersionRequirement, versionToString } from './hypervisor-version.js';

test("unpacks Nova's integer versions", () => {
  assert.equal(versionToString(6000000), '6.0.0');
  assert.equal(versionToString(2012001), '2.12.1');
  assert.equal(versionToString(1000), '1.0');
});

const cases: [packed: number, req: string, ok: boolean][] = [
  [6000000, '>=6.0', true],
  [5002000, '>=6.0', false],
  [6001000, '>=6.0, <7.0', true],
  [7000000, '>=6.0, <7.0', false],
  [6000000, '==6.0.0', true],
  [6000000, '!=6.0', false],
  [6000001, '>6.0', true],
  [6000000, '<=6000000', true],
];

for (const [packed, req, ok] of cases) {
  test(`version ${versionToString(packed)} ${ok ? 'satisfies' : 'fails'} "${req}"`, () => {
    const conditions = parseVersionRequirement(req);
    assert.ok(Array.isArray(conditions));
    assert.equal(failedCondition(packed, conditions) === null, ok);
  });
}

test('explains a requirement it cannot read', () => {
  assert.match(String(parseVersionRequirement('6.0')), /cannot read "6.0"/);
  assert.match(String(parseVersionRequirement('>=six')), /cannot read ">=six"/);
});
