import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchExtraSpec, pyFloat } from './extra-specs-ops.js';

const cases: [value: string | null, req: string, expected: boolean][] = [
  ['1', '1', true],
  ['1', '2', false],
  ['true', 'True', false],
  ['4', '= 2', true],
  ['4', '= 4', true],
  ['1', '= 2', false],
  ['4', '== 4.0', true],
  ['4', '== 3', false],
  ['4', '!= 3', true],
  ['4', '>= 4', true],
  ['3', '>= 4', false],
  ['3', '<= 4', true],
  ['abc', '= 2', false],
  ['kvm', 's== kvm', true],
  ['qemu', 's== kvm', false],
  ['qemu', 's!= kvm', true],
  ['12', 's< 2', true],
  ['12', 's<= 12', true],
  ['2', 's> 12', true],
  ['abc', 's>= abc', true],
  ['avx avx2 sse4', '<in> avx2', true],
  ['avx sse4', '<in> avx2', false],
  ['avx avx2 sse4', '<all-in> avx2 sse4', true],
  ['avx sse4', '<all-in> avx2 sse4', false],
  ['kvm', '<or> qemu <or> kvm', true],
  ['xen', '<or> qemu <or> kvm', false],
  ['qemu', '<or> qemu', true],
  [null, '<or> qemu', false],
  [null, '= 1', false],
  [null, 'x', false],
  ['1', '=', false],
  ['1', '<in>', false],
];

for (const [value, req, expected] of cases) {
  test(`value ${JSON.stringify(value)} ${expected ? 'satisfies' : 'does not satisfy'} "${req}"`, () => {
    assert.equal(matchExtraSpec(value, req), expected);
  });
}

test('reads numbers like Python float(): strict, with inf', () => {
  assert.equal(pyFloat(' 1.5 '), 1.5);
  assert.equal(pyFloat('1e3'), 1000);
  assert.equal(pyFloat('-inf'), -Infinity);
  assert.ok(Number.isNaN(pyFloat('')));
  assert.ok(Number.isNaN(pyFloat('0x10')));
  assert.ok(Number.isNaN(pyFloat('abc')));
});
