import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleTrace } from '../../../../contract/scheduler';
import { recentDecisions } from './recent-decisions';

const tr = (request_id: string, attempt: number, started_at: string, chosen: string | null, kind?: string) =>
  ({ request_id, attempt, started_at, chosen, kind }) as ScheduleTrace;

test("newest first, one entry per request with its attempts counted and the last attempt's outcome", () => {
  const list = recentDecisions([
    { id: 'a', name: 'vm-a', traces: [tr('req-1', 1, '2026-01-01T10:00:00Z', null), tr('req-1', 2, '2026-01-01T10:00:05Z', 'host-b')] },
    {
      id: 'b',
      name: 'vm-b',
      traces: [tr('req-2', 1, '2026-01-01T11:00:00Z', null), tr('req-3', 1, '2026-01-01T12:00:00Z', 'host-a', 'resize')],
    },
  ]);
  assert.deepEqual(
    list.map((d) => [d.serverName, d.requestId, d.kind, d.attempts, d.host]),
    [
      ['vm-b', 'req-3', 'resize', 1, 'host-a'],
      ['vm-b', 'req-2', 'boot', 1, null],
      ['vm-a', 'req-1', 'boot', 2, 'host-b'],
    ],
  );
});

test('bounded to the newest `limit`', () => {
  const traces = Array.from({ length: 5 }, (_, i) => tr(`req-${i}`, 1, `2026-01-01T10:0${i}:00Z`, 'h'));
  assert.deepEqual(
    recentDecisions([{ id: 'a', name: 'a', traces }], 2).map((d) => d.requestId),
    ['req-4', 'req-3'],
  );
});
