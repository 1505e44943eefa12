// Pure: simple tenant usage (nova/api/openstack/compute/simple_tenant_usage.py) and the usage
// audit period (nova/utils.py last_completed_audit_period). Times are microseconds since the
// epoch, UTC, as Nova's naive UTC datetimes; bodies carry them as Nova's JSON does
// ("2026-12-07T09:18:08.123456").
import type { UsageInstance } from '../rpc/conductor-api.js';

export type Micros = number;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A time as Nova's JSON writes a datetime: '%Y-%m-%dT%H:%M:%S.%f'. */
export function novaTime(us: Micros): string {
  const d = new Date(Math.floor(us / 1000));
  const frac = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(frac, 6)}`;
}

/** A datetime as Python's str() writes it: '2026-11-01 00:00:00' (a fraction only when there is one). */
export function pyStrTime(us: Micros): string {
  const t = novaTime(us).replace('T', ' ');
  return t.endsWith('.000000') ? t.slice(0, -7) : t;
}

export const isoToMicros = (iso: string): Micros => Date.parse(iso) * 1000;
export const microsToIso = (us: Micros): string => new Date(Math.floor(us / 1000)).toISOString();

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** datetime(y, mo, d, h, mi, s, us) in UTC, or null where Python's datetime refuses it. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number): Micros | null {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() * 1000 + us;
}

/**
 * strptime for the formats Nova accepts: `T` or space between date and time as given in
 * `formats`, each field one or two digits as Python allows, %f one to six digits.
 */
function strptime(s: string, formats: { sep: 'T' | ' '; frac: 'no' | 'yes' }[]): Micros | null {
  for (const f of formats) {
    const frac = f.frac === 'yes' ? '\\.(\\d{1,6})' : '';
    const re = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})${f.sep}(\\d{1,2}):(\\d{1,2}):(\\d{1,2})${frac}$`);
    const m = re.exec(s);
    if (!m) continue;
    const n = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
    const t = utc(...n, us);
    if (t !== null) return t;
  }
  return null;
}

/** start/end of a usage query: '%Y-%m-%dT%H:%M:%S', with '.%f', or '%Y-%m-%d %H:%M:%S.%f'. */
export const parseUsageTime = (s: string): Micros | null =>
  strptime(s, [
    { sep: 'T', frac: 'no' },
    { sep: 'T', frac: 'yes' },
    { sep: ' ', frac: 'yes' },
  ]);

/** The audit log's "before": '%Y-%m-%d %H:%M:%S', with '.%f' when it has a dot. */
export const parseAuditBefore = (s: string): Micros | null =>
  strptime(s, s.includes('.') ? [{ sep: ' ', frac: 'yes' }] : [{ sep: ' ', frac: 'no' }]);

export type UsageRange = { start: Micros; stop: Micros } | { error: string };

/**
 * The period asked for (Nova's _get_datetime_range, then the cut at now): a missing bound is
 * now (start read first, so an absent start is before any end not in the past); start must
 * come before end; an end in the future is now.
 */
export function usageRange(start: string | undefined, end: string | undefined, now: Micros): UsageRange {
  const s = start ? parseUsageTime(start) : now;
  const e = end ? parseUsageTime(end) : now;
  if (s === null || e === null) return { error: 'Invalid datetime string: Datetime is in invalid format' };
  // Nova reads the start a moment before the end: both absent, start < stop holds.
  const bothNow = !start && !end;
  if (!(s < e) && !bothNow) return { error: 'Invalid start time. The start time cannot occur after the end time.' };
  return { start: s, stop: Math.min(e, now) };
}

export interface ServerUsage {
  instance_id: string;
  name: string;
  tenant_id: string;
  flavor: string;
  hours: number;
  memory_mb: number;
  local_gb: number;
  vcpus: number;
  started_at: string;
  ended_at: string | null;
  state: string;
  uptime: number;
}

export interface TenantUsage {
  tenant_id: string;
  server_usages?: ServerUsage[];
  total_local_gb_usage: number;
  total_vcpus_usage: number;
  total_memory_mb_usage: number;
  total_hours: number;
  start: string;
  stop: string;
}

/** Hours an instance counts in the period (Nova's _hours_for). */
export function hoursFor(launched: Micros | null, terminated: Micros | null, start: Micros, stop: Micros): number {
  if (terminated !== null && terminated < start) return 0;
  if (launched === null || launched > stop) return 0;
  const from = Math.max(launched, start);
  const to = terminated !== null ? Math.min(stop, terminated) : stop;
  return (to - from) / 3_600_000_000;
}

/** Each instance's usage, and per project the totals (with the instances when detailed). */
export function tenantUsages(
  instances: UsageInstance[],
  period: { start: Micros; stop: Micros },
  detailed: boolean,
  now: Micros,
): { usages: TenantUsage[]; servers: ServerUsage[] } {
  const byTenant = new Map<string, TenantUsage>();
  const servers: ServerUsage[] = [];
  for (const i of instances) {
    const launched = i.launched_at === null ? null : isoToMicros(i.launched_at);
    const terminated = i.terminated_at === null ? null : isoToMicros(i.terminated_at);
    if (launched === null) continue; // the window query never answers these
    const hours = hoursFor(launched, terminated, period.start, period.stop);
    const info: ServerUsage = {
      instance_id: i.uuid,
      name: i.name,
      tenant_id: i.project_id,
      flavor: i.flavor.name,
      hours,
      memory_mb: i.flavor.ram,
      local_gb: i.flavor.disk + i.flavor.ephemeral,
      vcpus: i.flavor.vcpus,
      started_at: novaTime(launched),
      ended_at: terminated === null ? null : novaTime(terminated),
      state: terminated === null ? i.vm_state : 'terminated',
      uptime: Math.trunc(((terminated ?? now) - launched) / 1_000_000),
    };
    let sum = byTenant.get(i.project_id);
    if (!sum) {
      sum = {
        tenant_id: i.project_id,
        ...(detailed ? { server_usages: [] } : {}),
        total_local_gb_usage: 0,
        total_vcpus_usage: 0,
        total_memory_mb_usage: 0,
        total_hours: 0,
        start: novaTime(period.start),
        stop: novaTime(period.stop),
      };
      byTenant.set(i.project_id, sum);
    }
    sum.total_local_gb_usage += info.local_gb * hours;
    sum.total_vcpus_usage += info.vcpus * hours;
    sum.total_memory_mb_usage += info.memory_mb * hours;
    sum.total_hours += hours;
    servers.push(info);
    sum.server_usages?.push(info);
  }
  return { usages: [...byTenant.values()], servers };
}

export type AuditUnit = 'hour' | 'day' | 'month' | 'year';

/** The most recently completed audit period before `before` (Nova's last_completed_audit_period). */
export function lastCompletedAuditPeriod(unit: AuditUnit, offset: number, before: Micros): { begin: Micros; end: Micros } {
  const at = new Date(Math.floor(before / 1000));
  const y = at.getUTCFullYear();
  const mo = at.getUTCMonth(); // 0-based
  const ms = (yy: number, mm: number, dd = 1, hh = 0) => Date.UTC(yy, mm, dd, hh) * 1000;
  const HOUR = 3_600_000_000;
  if (unit === 'month') {
    const day = offset || 1;
    let end = ms(y, mo, day);
    if (end >= before) end = ms(y, mo - 1, day);
    const e = new Date(end / 1000);
    return { begin: ms(e.getUTCFullYear(), e.getUTCMonth() - 1, day), end };
  }
  if (unit === 'year') {
    const month = (offset || 1) - 1;
    const end = ms(y, month);
    return end >= before ? { begin: ms(y - 2, month), end: ms(y - 1, month) } : { begin: ms(y - 1, month), end };
  }
  if (unit === 'day') {
    let end = ms(y, mo, at.getUTCDate(), offset);
    if (end >= before) end -= 24 * HOUR;
    return { begin: end - 24 * HOUR, end };
  }
  let end = Date.UTC(y, mo, at.getUTCDate(), at.getUTCHours(), offset) * 1000;
  if (end >= before) end -= HOUR;
  return { begin: end - HOUR, end };
}

/**
 * The audit log's body when no audit task has run on any host (the lab's computes never run
 * Nova's periodic instance usage audit): every compute host not run, nothing counted.
 */
export function auditLog(hosts: string[], period: { begin: Micros; end: Micros }): Record<string, unknown> {
  const unique = [...new Set(hosts)];
  const done = 0;
  return {
    period_beginning: pyStrTime(period.begin),
    period_ending: pyStrTime(period.end),
    num_hosts: unique.length,
    num_hosts_done: done,
    num_hosts_running: 0,
    num_hosts_not_run: unique.length,
    hosts_not_run: unique,
    total_instances: 0,
    total_errors: 0,
    overall_status: `${done === unique.length ? 'ALL' : `${done} of ${unique.length}`} hosts done. 0 errors.`,
    log: {},
  };
}
