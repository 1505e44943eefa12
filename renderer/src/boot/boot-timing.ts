// Pure: when each boot step started and ended, from the lab's own event timestamps (one clock:
// the bus stamps every event as it passes; a source that began its work before it could
// publish says so in detail.started_at). Nothing here is estimated: a step with no event of
// its own has no time.
import type { BootStepId } from '../../../contract/boot-steps';
import type { LabEvent } from '../../../contract/events';
import { rpcStep } from './boot-steps-table';

export interface Span {
  /** Epoch milliseconds. */
  start: number;
  end: number;
  ms: number;
}

/** The event's own time (the bus's stamp), in epoch milliseconds. */
export const eventTime = (e: LabEvent): number => Date.parse(e.ts);

/** When the work an event reports began: the source's started_at when it sends one, else the event's time. */
export function eventStart(e: LabEvent): number {
  const s = (e.detail as { started_at?: unknown } | null | undefined)?.started_at;
  const t = typeof s === 'string' ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? Math.min(t, eventTime(e)) : eventTime(e);
}

/**
 * The events that time a step by themselves: its own step and progress events, the rpc
 * messages that name it (calls, casts and their replies), and for step 3 nova-api's record
 * of the HTTP request (from its arrival to the 202).
 */
export function timesStep(id: BootStepId, e: LabEvent): boolean {
  if ((e.kind === 'step' || e.kind === 'progress') && e.step === id) return true;
  if (e.kind.startsWith('rpc.') && e.topic !== 'lab') return rpcStep(e) === id;
  return id === 'api.request' && e.kind === 'http';
}

/** A step's span: from the earliest start to the latest time of the events that time it; null without any. */
export function stepSpan(id: BootStepId, events: readonly LabEvent[]): Span | null {
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    if (!timesStep(id, e)) continue;
    start = Math.min(start, eventStart(e));
    end = Math.max(end, eventTime(e));
  }
  return Number.isFinite(start) ? { start, end, ms: end - start } : null;
}

/** A duration as the GUI writes it: whole milliseconds below a second, then seconds with two decimals. */
export function durationParts(ms: number): { unit: 'lt1ms' | 'ms' | 's'; value: string } {
  if (ms < 1) return { unit: 'lt1ms', value: '1' };
  if (ms < 1000) return { unit: 'ms', value: String(Math.round(ms)) };
  return { unit: 's', value: (ms / 1000).toFixed(2) };
}
