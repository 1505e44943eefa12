// Pure: the history of scheduling decisions across instances, newest first — one entry per
// request (its attempts together), each naming its instance, for the scheduler view's list.
import type { ScheduleTrace } from '../../../../contract/scheduler';

export interface RecentDecision {
  serverId: string;
  serverName: string;
  requestId: string;
  kind: string;
  /** When its first attempt started (ISO time). */
  at: string;
  attempts: number;
  /** The host the last attempt chose; null is NoValidHost. */
  host: string | null;
}

export function recentDecisions(perServer: { id: string; name: string; traces: readonly ScheduleTrace[] }[], limit = 30): RecentDecision[] {
  const out: RecentDecision[] = [];
  for (const s of perServer) {
    const byRequest = new Map<string, ScheduleTrace[]>();
    for (const tr of s.traces) byRequest.set(tr.request_id, [...(byRequest.get(tr.request_id) ?? []), tr]);
    for (const [requestId, group] of byRequest) {
      const sorted = [...group].sort((a, b) => a.attempt - b.attempt || a.started_at.localeCompare(b.started_at));
      const last = sorted[sorted.length - 1]!;
      out.push({
        serverId: s.id,
        serverName: s.name,
        requestId,
        kind: sorted[0]!.kind ?? 'boot',
        at: sorted[0]!.started_at,
        attempts: sorted.length,
        host: last.chosen,
      });
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
