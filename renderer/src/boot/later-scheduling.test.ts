// The walkthrough's "later scheduling" list: what a resize, migrate or unshelve decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleTrace } from '../../../contract/scheduler';
import { laterSchedulings } from './later-scheduling';

const trace = (over: Partial<ScheduleTrace>): ScheduleTrace => ({
  request_id: 'req-boot',
  instance_uuid: 'u-1',
  attempt: 1,
  started_at: '2026-12-07T10:00:00.000Z',
  hosts: ['host-a', 'host-b'],
  filters: [],
  weighers: [],
  ranking: [],
  subset_size: 1,
  subset: [],
  chosen: 'host-a',
  emptied_by: null,
  error: null,
  ...over,
});

test('the first boot is not a later scheduling, whether its kind is absent or boot', () => {
  assert.deepEqual(laterSchedulings([trace({}), trace({ request_id: 'req-b2', kind: 'boot' })]), []);
});

test('resize, migrate and unshelve each give one entry, oldest first, with the host chosen', () => {
  const got = laterSchedulings([
    trace({}),
    trace({ request_id: 'req-u', kind: 'unshelve', started_at: '2026-12-07T10:30:00.000Z', chosen: 'host-a' }),
    trace({ request_id: 'req-r', kind: 'resize', started_at: '2026-12-07T10:10:00.000Z', chosen: 'host-b' }),
    trace({ request_id: 'req-m', kind: 'migrate', started_at: '2026-12-07T10:20:00.000Z', chosen: 'host-a' }),
  ]);
  assert.deepEqual(
    got.map((e) => [e.kind, e.requestId, e.host]),
    [
      ['resize', 'req-r', 'host-b'],
      ['migrate', 'req-m', 'host-a'],
      ['unshelve', 'req-u', 'host-a'],
    ],
  );
  assert.equal(got[0]!.at, '2026-12-07T10:10:00.000Z');
});

test('a NoValidHost has no host and keeps the error', () => {
  const [e] = laterSchedulings([trace({ request_id: 'req-r', kind: 'resize', chosen: null, error: 'No valid host was found.' })]);
  assert.equal(e!.host, null);
  assert.equal(e!.error, 'No valid host was found.');
});

test("a request's retries are one entry: the first attempt's time, the last attempt's outcome", () => {
  const got = laterSchedulings([
    trace({ request_id: 'req-m', kind: 'migrate', attempt: 2, started_at: '2026-12-07T10:21:00.000Z', chosen: 'host-b' }),
    trace({ request_id: 'req-m', kind: 'migrate', attempt: 1, started_at: '2026-12-07T10:20:00.000Z', chosen: null, error: 'x' }),
  ]);
  assert.equal(got.length, 1);
  assert.deepEqual(
    { at: got[0]!.at, host: got[0]!.host, error: got[0]!.error, attempts: got[0]!.attempts },
    { at: '2026-12-07T10:20:00.000Z', host: 'host-b', error: null, attempts: 2 },
  );
});
