import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  auditLog,
  hoursFor,
  isoToMicros,
  lastCompletedAuditPeriod,
  novaTime,
  parseAuditBefore,
  parseUsageTime,
  pyStrTime,
  tenantUsages,
  usageRange,
} from './tenant-usage.js';
import type { UsageInstance } from '../rpc/conductor-api.js';

const us = (iso: string) => isoToMicros(iso);
const H = 3_600_000_000;

test("usage times: Nova's three formats, Python's field widths, no others", () => {
  assert.equal(parseUsageTime('2026-12-06T09:18:08'), us('2026-12-06T09:18:08Z'));
  assert.equal(parseUsageTime('2026-12-06T09:18:08.123456'), us('2026-12-06T09:18:08.123Z') + 456);
  assert.equal(parseUsageTime('2026-12-06 09:18:08.5'), us('2026-12-06T09:18:08.500Z'));
  assert.equal(parseUsageTime('2026-1-6T9:8:8'), us('2026-01-06T09:08:08Z'));
  for (const bad of [
    '2026-12-06 09:18:08',
    '2026-12-06',
    'yesterday',
    '2026-02-30T00:00:00',
    '2026-12-06T24:00:00',
    '2026-12-06T09:18:08Z',
  ])
    assert.equal(parseUsageTime(bad), null, bad);
});

test('a usage period: start before end, the end cut at now, bad times refused', () => {
  const now = us('2026-12-07T10:00:00Z');
  assert.deepEqual(usageRange('2026-12-06T10:00:00', '2026-12-08T10:00:00', now), { start: us('2026-12-06T10:00:00Z'), stop: now });
  assert.deepEqual(usageRange('2026-12-08T10:00:00', '2026-12-06T10:00:00', now), {
    error: 'Invalid start time. The start time cannot occur after the end time.',
  });
  assert.deepEqual(usageRange('2026-12-06T10:00:00', 'later', now), { error: 'Invalid datetime string: Datetime is in invalid format' });
  assert.deepEqual(usageRange(undefined, undefined, now), { start: now, stop: now });
  assert.ok('error' in usageRange(undefined, '2026-12-01T00:00:00', now));
});

test('hours: only the part of the life inside the period', () => {
  const s = us('2026-12-07T00:00:00Z');
  const e = s + 10 * H;
  assert.equal(hoursFor(s - H, null, s, e), 10); // running since before the period
  assert.equal(hoursFor(s + 2 * H, s + 5 * H, s, e), 3);
  assert.equal(hoursFor(s - 5 * H, s - H, s, e), 0); // gone before it
  assert.equal(hoursFor(e + H, null, s, e), 0); // launched after it
  assert.equal(hoursFor(null, null, s, e), 0);
});

const inst = (o: Partial<UsageInstance>): UsageInstance => ({
  uuid: 'u1',
  name: 'vm1',
  project_id: 'p1',
  vm_state: 'active',
  launched_at: '2026-12-07T01:00:00.000Z',
  terminated_at: null,
  flavor: { name: 'm1.tiny', ram: 256, disk: 1, ephemeral: 2, vcpus: 1 },
  ...o,
});

test('per-project totals and server usages as Nova computes them', () => {
  const start = us('2026-12-07T00:00:00Z');
  const stop = us('2026-12-07T05:00:00Z');
  const now = stop;
  const rows = [
    inst({}),
    inst({ uuid: 'u2', name: 'vm2', terminated_at: '2026-12-07T03:00:00.000Z', vm_state: 'deleted' }),
    inst({ uuid: 'u3', project_id: 'p2', flavor: { name: 'm1.small', ram: 512, disk: 2, ephemeral: 0, vcpus: 2 } }),
  ];
  const { usages, servers } = tenantUsages(rows, { start, stop }, true, now);
  assert.equal(servers.length, 3);
  assert.deepEqual(
    usages.map((u) => u.tenant_id),
    ['p1', 'p2'],
  );
  const p1 = usages[0]!;
  assert.equal(p1.total_hours, 4 + 2);
  assert.equal(p1.total_vcpus_usage, 6);
  assert.equal(p1.total_memory_mb_usage, 256 * 6);
  assert.equal(p1.total_local_gb_usage, 3 * 6);
  assert.equal(p1.start, '2026-12-07T00:00:00.000000');
  assert.equal(p1.stop, '2026-12-07T05:00:00.000000');
  assert.deepEqual(p1.server_usages![1], {
    instance_id: 'u2',
    name: 'vm2',
    tenant_id: 'p1',
    flavor: 'm1.tiny',
    hours: 2,
    memory_mb: 256,
    local_gb: 3,
    vcpus: 1,
    started_at: '2026-12-07T01:00:00.000000',
    ended_at: '2026-12-07T03:00:00.000000',
    state: 'terminated',
    uptime: 7200,
  });
  assert.equal(p1.server_usages![0]!.state, 'active');
  assert.equal(p1.server_usages![0]!.uptime, 4 * 3600);
  // Without detailed, the totals only: eight fields.
  const brief = tenantUsages(rows, { start, stop }, false, now).usages[0]!;
  assert.equal(Object.keys(brief).length, 7);
  assert.equal('server_usages' in brief, false);
});

test("Nova's JSON datetimes and Python's str()", () => {
  assert.equal(novaTime(us('2026-11-01T00:00:00Z') + 7), '2026-11-01T00:00:00.000007');
  assert.equal(pyStrTime(us('2026-11-01T00:00:00Z')), '2026-11-01 00:00:00');
  assert.equal(pyStrTime(us('2026-11-01T00:00:00.25Z')), '2026-11-01 00:00:00.250000');
});

test('the last completed audit period (month, as nova.conf defaults it)', () => {
  const p = lastCompletedAuditPeriod('month', 0, us('2026-12-07T09:18:08Z'));
  assert.equal(pyStrTime(p.begin), '2026-11-01 00:00:00');
  assert.equal(pyStrTime(p.end), '2026-12-01 00:00:00');
  // Exactly at the turn of the month, that month is not completed yet.
  const q = lastCompletedAuditPeriod('month', 0, us('2026-01-01T00:00:00Z'));
  assert.equal(pyStrTime(q.begin), '2025-11-01 00:00:00');
  assert.equal(pyStrTime(q.end), '2025-12-01 00:00:00');
  const d = lastCompletedAuditPeriod('day', 0, us('2026-12-07T09:18:08Z'));
  assert.equal(pyStrTime(d.begin), '2026-12-06 00:00:00');
  const h = lastCompletedAuditPeriod('hour', 0, us('2026-12-07T09:18:08Z'));
  assert.deepEqual([pyStrTime(h.begin), pyStrTime(h.end)], ['2026-12-07 08:00:00', '2026-12-07 09:00:00']);
  const y = lastCompletedAuditPeriod('year', 0, us('2026-12-07T09:18:08Z'));
  assert.deepEqual([pyStrTime(y.begin), pyStrTime(y.end)], ['2025-01-01 00:00:00', '2026-01-01 00:00:00']);
});

test('the audit "before" timestamp, and the log when no audit has run', () => {
  assert.equal(parseAuditBefore('2026-12-07 09:18:08'), us('2026-12-07T09:18:08Z'));
  assert.equal(parseAuditBefore('2026-12-07 09:18:08.5'), us('2026-12-07T09:18:08.500Z'));
  assert.equal(parseAuditBefore('2026-12-07T09:18:08'), null);
  assert.equal(parseAuditBefore('invalid_time'), null);
  const log = auditLog(['host-a', 'host-b'], lastCompletedAuditPeriod('month', 0, us('2026-12-07T09:18:08Z')));
  assert.deepEqual(log, {
    period_beginning: '2026-11-01 00:00:00',
    period_ending: '2026-12-01 00:00:00',
    num_hosts: 2,
    num_hosts_done: 0,
    num_hosts_running: 0,
    num_hosts_not_run: 2,
    hosts_not_run: ['host-a', 'host-b'],
    total_instances: 0,
    total_errors: 0,
    overall_status: '0 of 2 hosts done. 0 errors.',
    log: {},
  });
  assert.equal(auditLog([], { begin: 0, end: 0 }).overall_status, 'ALL hosts done. 0 errors.');
});
