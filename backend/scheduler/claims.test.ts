import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClaim, claimFits, releaseClaim, tryClaim } from './claims.js';
import { makeFlavor, makeHost } from './test-fixtures.js';

const small = makeFlavor({ vcpus: 1, ram: 1024, disk: 10, ephemeral: 0, swap: 0 });

test('accepts a claim that fits every resource', () => {
  assert.equal(claimFits(makeHost(), small), true);
});

test('refuses a claim, naming every resource short of it', () => {
  const host = makeHost({ vcpus: 2, cpu_allocation_ratio: 1, vcpus_used: 2, memory_mb: 2048, memory_mb_used: 3000, local_gb: 10, local_gb_used: 5 });
  const verdict = String(claimFits(host, small));
  assert.match(verdict, /^vCPU: 2 vCPUs × ratio 1.0 = 2 usable, 2 used, 1 requested; RAM: .*; disk: /);
});

test('applies and releases a claim as new usage', () => {
  const flavor = makeFlavor({ vcpus: 2, ram: 512, disk: 1, ephemeral: 1, swap: 512 });
  const used = applyClaim({ vcpus_used: 1, memory_mb_used: 100, local_gb_used: 3 }, flavor);
  assert.deepEqual(used, { vcpus_used: 3, memory_mb_used: 612, local_gb_used: 5.5 });
  assert.deepEqual(releaseClaim(used, flavor), { vcpus_used: 1, memory_mb_used: 100, local_gb_used: 3 });
});

test('release never goes below zero', () => {
  assert.deepEqual(releaseClaim({ vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0 }, small),
    { vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0 });
});

test('50 concurrent claims never over-commit a host: a 4-vCPU host at ratio 2.0 takes exactly 8', () => {
  let host = makeHost({ vcpus: 4, cpu_allocation_ratio: 2, memory_mb: 65536, local_gb: 1000 });
  let accepted = 0;
  for (let i = 0; i < 50; i++) {
    const result = tryClaim(host, small);
    if (result.ok) { host = { ...host, ...result.usage }; accepted++; }
    else assert.match(result.reason, /^vCPU: 4 vCPUs × ratio 2.0 = 8 usable, 8 used, 1 requested$/);
  }
  assert.equal(accepted, 8);
  assert.equal(host.vcpus_used, 8);
});

test('a claim fits exactly where the filters let the host through (swap counted in both)', () => {
  const host = makeHost({ local_gb: 20, local_gb_used: 10 });
  assert.equal(claimFits(host, makeFlavor({ vcpus: 1, ram: 1, disk: 9, swap: 1024 })), true);
  assert.notEqual(claimFits(host, makeFlavor({ vcpus: 1, ram: 1, disk: 9, swap: 1025 })), true);
});
