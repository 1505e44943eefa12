import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFilter } from './compute-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const cases: [string, Parameters<typeof makeHost>[0], true | RegExp][] = [
  ['passes a host whose service is up and enabled', {}, true],
  [
    'rejects a disabled service, giving the reason',
    { service: { disabled: true, disabled_reason: 'maintenance' } },
    /nova-compute on host-a is disabled \(reason: "maintenance"\)/,
  ],
  ['rejects a disabled service with no reason given', { service: { disabled: true } }, /disabled \(reason: none given\)/],
  ['rejects a service without heartbeat', { service: { up: false } }, /is down: no heartbeat within service_down_time/],
  ['rejects a forced-down service', { service: { forced_down: true } }, /is down: forced down by an administrator/],
  ['reports disabled before down', { service: { up: false, disabled: true } }, /is disabled/],
];

for (const [name, overrides, expected] of cases) {
  test(name, () => {
    const verdict = verdictText(computeFilter.check(makeHost(overrides), makeSpec()));
    if (expected === true) assert.equal(verdict, true);
    else assert.match(String(verdict), expected);
  });
}
