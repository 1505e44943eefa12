// Pure: the schedulings of an instance after its first boot — resize, cold migration, unshelve,
// a rebuild's check of its new image — from its saved scheduler traces (GET
// …/os-scheduler-trace), so the walkthrough can list them after the twelve boot steps and they
// survive a reload.
import type { ScheduleTrace } from '../../../contract/scheduler';

export type LaterKind = 'resize' | 'migrate' | 'unshelve' | 'rebuild';

export interface LaterScheduling {
  kind: LaterKind;
  /** The request that caused it; the scheduler view picks its decision by this id. */
  requestId: string;
  /** When its first attempt started (ISO time). */
  at: string;
  /** The host the last attempt chose; null is NoValidHost. */
  host: string | null;
  error: string | null;
  attempts: number;
}

const LATER: readonly string[] = ['resize', 'migrate', 'unshelve', 'rebuild'];

/** One entry per later scheduling, oldest first; a request's retries are one entry. */
export function laterSchedulings(traces: readonly ScheduleTrace[]): LaterScheduling[] {
  const byRequest = new Map<string, ScheduleTrace[]>();
  for (const tr of traces) {
    if (!tr.kind || !LATER.includes(tr.kind)) continue;
    const key = `${tr.kind} ${tr.request_id}`;
    byRequest.set(key, [...(byRequest.get(key) ?? []), tr]);
  }
  const entries = [...byRequest.values()].map((group): LaterScheduling => {
    const sorted = [...group].sort((a, b) => a.attempt - b.attempt);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    return {
      kind: first.kind as LaterKind,
      requestId: first.request_id,
      at: first.started_at,
      host: last.chosen,
      error: last.chosen ? null : last.error,
      attempts: sorted.length,
    };
  });
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}
