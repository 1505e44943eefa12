// Pure: `novalab status` as a table like `nova service-list`, plus PIDs, ports, restarts and
// what the supervisor is doing about a service that keeps failing.
import type { ServiceProcess, ServiceRow } from '../../contract/services.js';
import type { ServiceHealth } from '../../contract/service-health.js';

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
  /** The supervisor's view: running, restarting, failing … */
  process: string;
  /** Deaths in a row without a stable run. */
  failures: number;
  last_exit: string;
  next_try_at: string | null;
  last_error: string | null;
}

const exitText = (e: ServiceProcess['lastExit']) => (!e ? '-' : `${e.signal ? `signal ${e.signal}` : `code ${e.code}`} at ${e.at}`);

/** `health`: the lab's one health per process (backend/shared/service-health.ts), as the GUI shows it. */
export function statusRows(processes: ServiceProcess[], services: ServiceRow[], health: ServiceHealth[] = []): StatusRow[] {
  return processes.map((p) => {
    const rec = services.find((s) => s.binary === p.binary && s.host === p.host);
    const running = p.state === 'running';
    const h = health.find((x) => x.binary === p.binary && x.host === p.host);
    return {
      binary: p.binary,
      host: p.host,
      zone: rec?.zone ?? (p.binary === 'nova-compute' ? '-' : 'internal'),
      status: rec?.status ?? 'enabled',
      // The GUI's word when the lab gave it; else: a service with a heartbeat is up when the
      // conductor says so, the others when running.
      state: h
        ? h.state === 'up' || h.state === 'unknown'
          ? h.state
          : 'down'
        : running && (rec ? rec.state === 'up' : true)
          ? 'up'
          : 'down',
      updated_at: rec?.updated_at ?? p.startedAt ?? '-',
      pids: [p.pid, ...p.workerPids].filter((x) => x !== null).join(',') || '-',
      ports: p.ports.join(',') || '-',
      restarts: p.restarts,
      process: p.state,
      failures: p.failures ?? 0,
      last_exit: exitText(p.lastExit),
      next_try_at: p.nextTryAt ?? null,
      last_error: p.lastError ?? null,
    };
  });
}

export function renderTable(rows: StatusRow[]): string {
  const head = ['Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at', 'PIDs', 'Ports', 'Restarts', 'Process', 'Last exit'];
  const processText = (r: StatusRow) => (r.next_try_at ? `${r.process} (${r.failures} in a row; next try ${r.next_try_at})` : r.process);
  const cells = rows.map((r) => [
    r.binary,
    r.host,
    r.zone,
    r.status,
    r.state,
    r.updated_at,
    r.pids,
    r.ports,
    String(r.restarts),
    processText(r),
    r.last_exit,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  // Why a failing service fails, under the table: the table stays readable.
  const why = rows.filter((r) => r.process === 'failing' && r.last_error).map((r) => `${r.binary}@${r.host}: ${r.last_error}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ...(why.length ? ['', ...why] : [])].join('\n');
}
