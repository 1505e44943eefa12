import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ramFilter } from './ram-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

test('passes a host whose usable RAM covers the flavor', () => {
  assert.equal(verdictText(ramFilter.check(makeHost({ memory_mb: 4096, memory_mb_used: 1024 }), makeSpec())), true);
});

test('counts overcommit: 4096 MB × ratio 1.5 holds 6144 MB of instances', () => {
  const host = makeHost({ memory_mb: 4096, memory_mb_used: 4096, ram_allocation_ratio: 1.5 });
  assert.equal(verdictText(ramFilter.check(host, makeSpec({ flavor: { ram: 2048 } }))), true);
});

test('rejects a host whose free RAM is below the flavor, naming the numbers', () => {
  const host = makeHost({ memory_mb: 4096, memory_mb_used: 4608, ram_allocation_ratio: 1.5 });
  assert.equal(
    verdictText(ramFilter.check(host, makeSpec({ flavor: { ram: 2048 } }))),
    '1536 MB usable RAM < 2048 MB requested (4096 MB × ratio 1.5 − 4608 MB used)',
  );
});

test('rejects a flavor larger than the physical RAM whatever the ratio', () => {
  const host = makeHost({ memory_mb: 4096, ram_allocation_ratio: 16 });
  const verdict = verdictText(ramFilter.check(host, makeSpec({ flavor: { ram: 8192 } })));
  assert.match(String(verdict), /8192 MB requested > 4096 MB physical RAM/);
});

test('accepts a flavor that exactly fills the usable RAM', () => {
  const host = makeHost({ memory_mb: 2048, memory_mb_used: 1024, ram_allocation_ratio: 1.0 });
  assert.equal(verdictText(ramFilter.check(host, makeSpec({ flavor: { ram: 1024 } }))), true);
});

test('sets the memory_mb limit memory_mb × ratio (Stein: host_state.limits)', () => {
  assert.deepEqual(ramFilter.limits!(makeHost({ memory_mb: 4096, ram_allocation_ratio: 1.5 }), makeSpec()), { memory_mb: 6144 });
});
