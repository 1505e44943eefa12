import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreFilter } from './core-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const host = (vcpus_used: number) => makeHost({ vcpus: 4, cpu_allocation_ratio: 2, vcpus_used });
const oneVcpu = makeSpec({ flavor: { vcpus: 1 } });

test('a 4-vCPU host at ratio 2.0 accepts instances up to 8 vCPUs in total', () => {
  for (let used = 0; used < 8; used++) assert.equal(verdictText(coreFilter.check(host(used), oneVcpu)), true, `used ${used}`);
});

test('a 4-vCPU host at ratio 2.0 refuses the 9th vCPU, naming the numbers', () => {
  assert.equal(verdictText(coreFilter.check(host(8), oneVcpu)), '4 vCPUs × ratio 2.0 = 8 usable, 8 used, 1 requested');
});

test('rejects a flavor needing more vCPUs than are free', () => {
  assert.equal(
    verdictText(coreFilter.check(host(7), makeSpec({ flavor: { vcpus: 2 } }))),
    '4 vCPUs × ratio 2.0 = 8 usable, 7 used, 2 requested',
  );
});

test('rejects a flavor with more vCPUs than the host has physically', () => {
  const verdict = verdictText(coreFilter.check(host(0), makeSpec({ flavor: { vcpus: 6 } })));
  assert.match(String(verdict), /6 vCPUs requested > 4 physical vCPUs/);
});

test('passes a host reporting no vCPUs at all (Nova fails safe)', () => {
  assert.equal(verdictText(coreFilter.check(makeHost({ vcpus: 0 }), oneVcpu)), true);
});

test('sets the vcpu limit vcpus × ratio, and none for a host reporting no vCPUs (Stein: host_state.limits)', () => {
  assert.deepEqual(coreFilter.limits!(makeHost({ vcpus: 4, cpu_allocation_ratio: 2 }), oneVcpu), { vcpu: 8 });
  assert.deepEqual(coreFilter.limits!(makeHost({ vcpus: 0 }), oneVcpu), {});
});
