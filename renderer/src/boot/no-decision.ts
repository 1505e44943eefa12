// Pure: when a boot has no scheduling decision to show, the true statement of why — so the
// walkthrough never links to an empty decision. A decision exists when nova-scheduler
// published it (an event) or nova-conductor saved it (GET …/os-scheduler-trace).
import type { LabEvent } from '../../../contract/events';
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { ServiceLifeDetail } from '../../../contract/service-health';

export type NoDecision =
  /**
   * nova-scheduler died while the request waited for it, `deaths` times (nova-conductor asks a
   * restarted scheduler again, a few times); the last death's signal or exit code and time.
   */
  | { reason: 'scheduler_died'; deaths: number; signal: string | null; code: number | null; at: string }
  /** The request failed before it reached nova-scheduler. */
  | { reason: 'not_reached' }
  /** The request failed without a decision; the instance's fault is all that says why. */
  | { reason: 'fault'; fault: string }
  /** The boot ended but the lab no longer keeps its decision (nor its events). */
  | { reason: 'not_kept' };

export interface NoDecisionInput {
  /** The decision found in the events or the saved traces, if any. */
  trace: ScheduleTrace | null;
  /** The saved traces, or null while they are not loaded (then nothing is claimed). */
  saved: readonly ScheduleTrace[] | null;
  /** This request's events. */
  requestEvents: readonly LabEvent[];
  /** Every event the viewer sees (the launcher's service events carry no request). */
  allEvents: readonly LabEvent[];
  finished: 'ACTIVE' | 'ERROR' | null;
  fault: string | null;
  /** When the fault was recorded (ISO), if known. */
  faultAt: string | null;
}

const asked = (e: LabEvent) =>
  (e.kind === 'step' && e.step === 'scheduler.call') ||
  (e.kind === 'rpc.call' && e.topic === 'scheduler' && e.method === 'select_destinations');

/**
 * The supervisor's event saying a running nova-scheduler process ended without being asked to
 * (contract/service-health.ts: `event: 'crash'`) — not one saying it is back, nor a failed try
 * to start one, which never held a request.
 */
function schedulerDeath(e: LabEvent): { signal: string | null; code: number | null } | null {
  if (e.kind !== 'service') return null;
  const d = (e.detail ?? {}) as Partial<ServiceLifeDetail>;
  if (d.event !== 'crash' || d.binary !== 'nova-scheduler' || d.worker) return null;
  return { signal: d.exit?.signal ?? null, code: d.exit?.code ?? null };
}

/** Null when there is a decision to open, or when it is too early to say there is none. */
export function noDecision(i: NoDecisionInput): NoDecision | null {
  if (i.trace || i.saved === null || !i.finished) return null;
  if (i.finished === 'ACTIVE') return { reason: 'not_kept' };
  // Events arrive in order (a reloaded page gets the log replayed): until one as late as the
  // fault is here, what happened before it may still be on its way — say only what the fault says.
  const last = i.allEvents[i.allEvents.length - 1];
  const caughtUp = !!i.faultAt && !!last && last.ts >= i.faultAt;
  if (!caughtUp) return i.fault ? { reason: 'fault', fault: i.fault } : null;
  const call = i.requestEvents.find(asked);
  if (call) {
    let latest: { signal: string | null; code: number | null; at: string } | null = null;
    let deaths = 0;
    for (const e of i.allEvents) {
      if (e.seq <= call.seq || e.ts > i.faultAt!) continue;
      const death = schedulerDeath(e);
      if (!death) continue;
      deaths++;
      latest = { ...death, at: e.ts };
    }
    if (latest) return { reason: 'scheduler_died', deaths, ...latest };
  } else if (i.requestEvents.length > 0) return { reason: 'not_reached' };
  return i.fault ? { reason: 'fault', fault: i.fault } : { reason: 'not_kept' };
}
