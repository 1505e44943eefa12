// Pure: `novalab status` as a table like `nova service-list`, plus PIDs, ports and restarts.
import type { ServiceProcess, ServiceRow } from '../../contract/services.js';

export interface StatusRow {
  binary: string;
  host: string;
  zone: string;
  status: string;
  state: string;
  updated_at: string;
  pids: string;
  ports: string;
  restarts: number;
}

export function statusRows(processes: ServiceProcess[], services: ServiceRow[]): StatusRow[] {
  return processes.map((p) => {
    const rec = services.find((s) => s.binary === p.binary && s.host === p.host);
    const running = p.state === 'running';
    return {
      binary: p.binary,
      host: p.host,
      zone: rec?.zone ?? (p.binary === 'nova-compute' ? '-' : 'internal'),
      status: rec?.status ?? 'enabled',
      // A service with a heartbeat is up when the conductor says so; the others when running.
      state: running && (rec ? rec.state === 'up' : true) ? 'up' : 'down',
      updated_at: rec?.updated_at ?? p.startedAt ?? '-',
      pids: [p.pid, ...p.workerPids].filter((x) => x !== null).join(',') || '-',
      ports: p.ports.join(',') || '-',
      restarts: p.restarts,
    };
  });
}

export function renderTable(rows: StatusRow[]): string {
  const head = ['Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at', 'PIDs', 'Ports', 'Restarts'];
  const cells = rows.map((r) => [r.binary, r.host, r.zone, r.status, r.state, r.updated_at, r.pids, r.ports, String(r.restarts)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
