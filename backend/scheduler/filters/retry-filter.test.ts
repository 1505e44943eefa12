import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryFilter } from './retry-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

test('passes every host on the first attempt', () => {
  assert.equal(verdictText(retryFilter.check(makeHost(), makeSpec())), true);
});

test('rejects a host already tried for this instance', () => {
  const spec = makeSpec({ retry: { num_attempts: 2, hosts: ['host-a'] } });
  assert.equal(
    verdictText(retryFilter.check(makeHost({ host: 'host-a' }), spec)),
    'already tried for this instance and failed there (attempt 2; hosts tried: host-a)',
  );
});

test('passes a host not yet tried', () => {
  const spec = makeSpec({ retry: { num_attempts: 2, hosts: ['host-a'] } });
  assert.equal(verdictText(retryFilter.check(makeHost({ host: 'host-b' }), spec)), true);
});
