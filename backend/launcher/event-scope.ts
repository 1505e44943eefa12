// Who sees which lab event. Pure. As in OpenStack, a project is the boundary: a member sees the
// events of its own project's requests (the scheduler's explanation of them included: it is
// what the lab is for) and never another project's; admin sees every event. Secrets are not a
// question of scope: the broker removed them before any event was logged (bus/redact.ts).
import type { LabEvent, LabEventKind } from '../../contract/events.js';
import type { Hold } from './step-gate.js';
import { msg, summaryOf, type LabMessage } from '../../contract/messages.js';

export interface Viewer {
  admin: boolean;
  project_id: string | null;
}

/**
 * Events with no project that every signed-in user may see: the lab's own life (a service
 * started, died, came back). They carry process names and exit codes, no project's data;
 * anything else without a project (a periodic task's RPC, the metadata service's lookups)
 * is admin's only.
 */
const LAB_WIDE: ReadonlySet<LabEventKind> = new Set(['service']);

/** A step-mode hold as a member may see it: only holds of its own project's requests. */
export const holdsFor = (viewer: Viewer, holds: readonly Hold[]): Hold[] =>
  viewer.admin ? [...holds] : holds.filter((h) => !!h.ctx.project_id && h.ctx.project_id === viewer.project_id);

/** The step gate's line: how many steps are held, or that step mode is off. */
export const holdSummary = (enabled: boolean, count: number): LabMessage =>
  enabled ? msg('event.stepsHeld', { count }) : msg('event.stepModeOff');

/** The event as `viewer` may see it, or null when it is none of the viewer's business. */
export function eventFor(viewer: Viewer, e: LabEvent): LabEvent | null {
  if (viewer.admin) return e;
  const project = e.ctx?.project_id;
  if (e.kind === 'hold') {
    if (project) return project === viewer.project_id ? e : null;
    // The gate's summary of every hold: a member's copy lists its own project's holds only.
    const d = (e.detail ?? {}) as { enabled?: boolean; holds?: Hold[] };
    const holds = holdsFor(viewer, Array.isArray(d.holds) ? d.holds : []);
    return { ...e, ...summaryOf(holdSummary(!!d.enabled, holds.length)), detail: { enabled: !!d.enabled, holds } };
  }
  if (project) return project === viewer.project_id ? e : null;
  return LAB_WIDE.has(e.kind) ? e : null;
}

export function eventsFor(viewer: Viewer, events: readonly LabEvent[]): LabEvent[] {
  const out: LabEvent[] = [];
  for (const e of events) {
    const seen = eventFor(viewer, e);
    if (seen) out.push(seen);
  }
  return out;
}
