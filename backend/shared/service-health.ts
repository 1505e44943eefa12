// Pure: is a service up? The course's rule — a heartbeat within service_down_time, and not
// forced down — and the health every screen shows, which joins that rule to the process state.
import type { ServiceProcess, ServiceRecord, ServiceRow } from '../../contract/services.js';
import { HEARTBEAT_BINARIES, type HealthReasonCode, type ServiceHealth } from '../../contract/service-health.js';

export function serviceIsUp(svc: Pick<ServiceRecord, 'forced_down' | 'updated_at'> | undefined, now: number, downTimeS: number): boolean {
  if (!svc || svc.forced_down) return false;
  return now - Date.parse(svc.updated_at) <= downTimeS * 1000;
}

export function toServiceRow(svc: ServiceRecord, now: number, downTimeS: number): ServiceRow {
  return { ...svc, status: svc.disabled ? 'disabled' : 'enabled', state: serviceIsUp(svc, now, downTimeS) ? 'up' : 'down' };
}

/**
 * The one health of a service that every screen (Services, the architecture diagram, the
 * process table, `novalab status`) shows: the supervisor's process state first (a dead process
 * is not up, whatever its last heartbeat says), then, for a service that heartbeats, Nova's rule
 * (a running process whose heartbeat is older than service_down_time is down: frozen or stuck).
 * `records`: os-services, or null when the conductor did not answer.
 */
export function serviceHealth(
  proc: Pick<ServiceProcess, 'binary' | 'host' | 'state' | 'failures' | 'lastExit'>,
  records: readonly ServiceRecord[] | null,
  now: number,
  downTimeS: number,
): ServiceHealth {
  const at = (state: ServiceHealth['state'], reason: HealthReasonCode, params: ServiceHealth['params'] = {}): ServiceHealth => ({
    binary: proc.binary,
    host: proc.host,
    state,
    reason,
    params,
  });
  const exit = { signal: proc.lastExit?.signal ?? '', code: proc.lastExit?.code ?? '' };
  switch (proc.state) {
    case 'starting':
      return at('starting', 'starting');
    case 'restarting':
      return at('restarting', 'restarting', exit);
    case 'failing':
      return at('failing', 'failing', { ...exit, failures: proc.failures });
    case 'stopped':
      return at('stopped', 'stopped');
  }
  if (!HEARTBEAT_BINARIES.includes(proc.binary)) return at('up', 'running');
  if (records === null) return at('unknown', 'heartbeats_unreadable');
  const rec = records.find((r) => r.binary === proc.binary && r.host === proc.host);
  if (!rec) return at('starting', 'not_registered');
  if (rec.forced_down) return at('down', 'forced_down');
  const ageS = Math.max(0, Math.floor((now - Date.parse(rec.updated_at)) / 1000));
  return serviceIsUp(rec, now, downTimeS)
    ? at('up', 'heartbeat', { age_s: ageS })
    : at('down', 'no_heartbeat', { age_s: ageS, down_time_s: downTimeS });
}
