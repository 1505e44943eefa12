// Pure: is a service up? The course's rule — a heartbeat within service_down_time, and not
// forced down.
import type { ServiceRecord, ServiceRow } from '../../contract/services.js';

export function serviceIsUp(svc: Pick<ServiceRecord, 'forced_down' | 'updated_at'> | undefined, now: number, downTimeS: number): boolean {
  if (!svc || svc.forced_down) return false;
  return now - Date.parse(svc.updated_at) <= downTimeS * 1000;
}

export function toServiceRow(svc: ServiceRecord, now: number, downTimeS: number): ServiceRow {
  return { ...svc, status: svc.disabled ? 'disabled' : 'enabled', state: serviceIsUp(svc, now, downTimeS) ? 'up' : 'down' };
}
