// Pure: a ScheduleTrace as a host × filter grid. A host passes a filter, is rejected by it
// (with the reason), or never reached it because an earlier filter dropped it.
import type { ScheduleTrace } from '../../../../contract/scheduler';
import type { LabMessage } from '../../../../contract/messages';

export type Cell = { kind: 'pass' } | { kind: 'reject'; reason: string; message?: LabMessage } | { kind: 'skipped' };

export interface FilterGrid {
  filters: { name: string; start: number; end: number; emptied: boolean }[];
  rows: { host: string; cells: Cell[]; droppedBy: string | null }[];
}

export function filterGrid(trace: ScheduleTrace): FilterGrid {
  const filters = trace.filters.map((f) => ({ name: f.name, start: f.start, end: f.end, emptied: f.name === trace.emptied_by }));
  const rows = trace.hosts.map((host) => {
    let droppedBy: string | null = null;
    const cells = trace.filters.map((f): Cell => {
      if (droppedBy) return { kind: 'skipped' };
      const rejected = f.rejected.find((r) => r.host === host);
      if (rejected) {
        droppedBy = f.name;
        return rejected.message
          ? { kind: 'reject', reason: rejected.reason, message: rejected.message }
          : { kind: 'reject', reason: rejected.reason };
      }
      if (f.passed.includes(host)) return { kind: 'pass' };
      return { kind: 'skipped' };
    });
    return { host, cells, droppedBy };
  });
  return { filters, rows };
}

export interface WeightRow {
  host: string;
  parts: { name: string; raw: number | null; normalized: number | null; multiplier: number }[];
  total: number | null;
  rank: number | null;
  inSubset: boolean;
  chosen: boolean;
}

export function weightRows(trace: ScheduleTrace): WeightRow[] {
  const hosts = trace.ranking.length ? trace.ranking.map((r) => r.host) : Object.keys(trace.weighers[0]?.raw ?? {});
  return hosts.map((host) => {
    const rank = trace.ranking.findIndex((r) => r.host === host);
    return {
      host,
      parts: trace.weighers.map((w) => ({
        name: w.name,
        raw: w.raw[host] ?? null,
        normalized: w.normalized[host] ?? null,
        // An aggregate's metadata may set this weigher's multiplier for some hosts.
        multiplier: w.multipliers?.[host] ?? w.multiplier,
      })),
      total: rank >= 0 ? trace.ranking[rank]!.weight : null,
      rank: rank >= 0 ? rank + 1 : null,
      inSubset: trace.subset.includes(host),
      chosen: trace.chosen === host,
    };
  });
}

/**
 * The limits the decision carries to the claim (Nova's host_state.limits before Placement),
 * one line per resource: the limit the enabled filter set, or null when no filter set one
 * (the claim does not check that resource). Empty when no host was chosen.
 */
export function claimLimits(trace: ScheduleTrace): { resource: string; setBy: string; limit: number | null }[] {
  if (!trace.chosen || !trace.limits) return [];
  const l = trace.limits;
  return [
    { resource: 'memory_mb', setBy: 'RamFilter', limit: l.memory_mb ?? null },
    { resource: 'vcpu', setBy: 'CoreFilter', limit: l.vcpu ?? null },
    { resource: 'disk_gb', setBy: 'DiskFilter', limit: l.disk_gb ?? null },
  ];
}

export const fmt = (n: number | null, digits = 3) =>
  n === null || Number.isNaN(n) ? '-' : Number.isInteger(n) ? String(n) : n.toFixed(digits);
