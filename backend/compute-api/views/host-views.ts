// Hypervisors, services, availability zones and aggregates, as Nova shows them (pure).
// Ids are integers below 2.53 and UUIDs from 2.53; cpu_info is a JSON string below 2.28.
import os from 'node:os';
import type { Aggregate, ComputeNode } from '../../../contract/model.js';
import type { ServiceRecord } from '../../../contract/services.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { naiveTime } from './format.js';

export function serviceView(s: ServiceRecord, up: boolean, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: atLeast(v, '2.53') ? s.uuid : s.id,
    binary: s.binary,
    host: s.host,
    zone: s.zone,
    status: s.disabled ? 'disabled' : 'enabled',
    state: up ? 'up' : 'down',
    updated_at: naiveTime(s.updated_at),
    disabled_reason: s.disabled_reason,
  };
  if (atLeast(v, '2.11')) out.forced_down = s.forced_down;
  return out;
}

export interface HypervisorInput {
  node: ComputeNode;
  service: ServiceRecord | undefined;
  up: boolean;
  workload: number;
}

export function hypervisorSummary(h: HypervisorInput, v: ApiVersion): Record<string, unknown> {
  return {
    id: atLeast(v, '2.53') ? h.node.uuid : h.node.id,
    hypervisor_hostname: h.node.hypervisor_hostname,
    state: h.up ? 'up' : 'down',
    status: h.service?.disabled ? 'disabled' : 'enabled',
  };
}

export function hypervisorDetail(h: HypervisorInput, v: ApiVersion, uptime: string): Record<string, unknown> {
  const n = h.node;
  const out: Record<string, unknown> = {
    ...hypervisorSummary(h, v),
    hypervisor_type: n.hypervisor_type,
    hypervisor_version: n.hypervisor_version,
    host_ip: '127.0.0.1',
    service: {
      id: h.service ? (atLeast(v, '2.53') ? h.service.uuid : h.service.id) : null,
      host: n.host,
      disabled_reason: h.service?.disabled_reason ?? null,
    },
  };
  if (atLeast(v, '2.88')) {
    out.uptime = uptime;
    return out;
  }
  Object.assign(out, {
    vcpus: n.vcpus,
    memory_mb: n.memory_mb,
    local_gb: n.local_gb,
    vcpus_used: n.vcpus_used,
    memory_mb_used: n.memory_mb_used,
    local_gb_used: n.local_gb_used,
    free_ram_mb: n.memory_mb - n.memory_mb_used,
    free_disk_gb: n.local_gb - n.local_gb_used,
    current_workload: h.workload,
    running_vms: n.running_vms,
    disk_available_least: n.disk_available_least ?? n.local_gb - n.local_gb_used,
    cpu_info: atLeast(v, '2.28') ? n.cpu_info : JSON.stringify(n.cpu_info),
  });
  return out;
}

export function hypervisorStatistics(hs: HypervisorInput[]): Record<string, number> {
  const sum = (f: (n: ComputeNode) => number) => hs.reduce((a, h) => a + f(h.node), 0);
  return {
    count: hs.length,
    vcpus: sum((n) => n.vcpus),
    memory_mb: sum((n) => n.memory_mb),
    local_gb: sum((n) => n.local_gb),
    vcpus_used: sum((n) => n.vcpus_used),
    memory_mb_used: sum((n) => n.memory_mb_used),
    local_gb_used: sum((n) => n.local_gb_used),
    free_ram_mb: sum((n) => n.memory_mb - n.memory_mb_used),
    free_disk_gb: sum((n) => n.local_gb - n.local_gb_used),
    current_workload: hs.reduce((a, h) => a + h.workload, 0),
    running_vms: sum((n) => n.running_vms),
    disk_available_least: sum((n) => n.disk_available_least ?? n.local_gb - n.local_gb_used),
  };
}

/** The text `uptime` prints, which OSC parses with a regex. The lab's hosts share this machine. */
export function uptimeText(now = new Date(), upSec = os.uptime(), load = os.loadavg()): string {
  const hms = now.toTimeString().slice(0, 8);
  const days = Math.floor(upSec / 86400);
  const h = Math.floor((upSec % 86400) / 3600);
  const m = Math.floor((upSec % 3600) / 60);
  const dayPart = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  const l = load.map((x) => x.toFixed(2)).join(', ');
  return ` ${hms} up ${dayPart}${String(h).padStart(2, ' ')}:${String(m).padStart(2, '0')},  1 user,  load average: ${l}`;
}

interface ZoneHost {
  [binary: string]: { available: boolean; active: boolean; updated_at: string | null };
}

/** os-availability-zone: the compute zones (with hosts only in detail) and, in detail, "internal". */
export function availabilityZones(services: ServiceRecord[], isUp: (s: ServiceRecord) => boolean, detail: boolean): unknown[] {
  const zones = new Map<string, Record<string, ZoneHost>>();
  for (const s of services) {
    const zone = s.binary === 'nova-compute' ? s.zone : 'internal';
    if (!detail && zone === 'internal') continue;
    const hosts = zones.get(zone) ?? {};
    (hosts[s.host] ??= {})[s.binary] = { available: isUp(s), active: !s.disabled, updated_at: naiveTime(s.updated_at) };
    zones.set(zone, hosts);
  }
  const order = [...zones.keys()].sort((a, b) => (a === 'internal' ? -1 : b === 'internal' ? 1 : a.localeCompare(b)));
  return order.map((zone) => {
    const hosts = zones.get(zone)!;
    const available = Object.values(hosts).some((h) => Object.values(h).some((b) => b.available && b.active));
    return { zoneName: zone, zoneState: { available }, hosts: detail ? hosts : null };
  });
}

/**
 * One aggregate as Nova marshals it: every field of the Aggregate object, `uuid` from 2.41,
 * `availability_zone` from its metadata, naive timestamps. `create` answers without `hosts`
 * and `metadata`, as Nova does.
 */
export function aggregateView(a: Aggregate, v: ApiVersion, opts: { created?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    availability_zone: a.metadata.availability_zone ?? null,
    created_at: naiveTime(a.created_at),
    updated_at: naiveTime(a.updated_at),
    deleted_at: null,
    deleted: false,
  };
  if (!opts.created) {
    out.hosts = [...a.hosts];
    out.metadata = { ...a.metadata };
  }
  if (atLeast(v, '2.41')) out.uuid = a.uuid;
  return out;
}
