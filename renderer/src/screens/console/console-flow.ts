// Pure: the course's 14 steps of a noVNC console session for one instance, lit from the
// lab's step events (nova-api, nova-consoleauth, nova-novncproxy) and the GUI's own actions.
import { CONSOLE_STEPS, type ConsoleStepId } from '../../../../contract/boot-steps';
import type { LabEvent } from '../../../../contract/events';
import type { LabMessage } from '../../../../contract/messages';

export type FlowStatus = 'pending' | 'done' | 'implied' | 'failed';

export interface FlowStep {
  id: ConsoleStepId;
  n: number;
  status: FlowStatus;
  summary: string | null;
  /** The summary by code, when it is the event's (the GUI translates it). */
  message?: LabMessage;
  /** 'lab': the summary is the lab's event line; 'gui': the request this tab sent (data). */
  from: 'lab' | 'gui' | null;
}

export interface ConsoleSession {
  /** Event seq when the learner asked for the console. */
  startSeq: number;
  instanceUuid: string;
  /** The GUI's own steps. */
  opened: boolean;
  urlRequested: boolean;
  urlReceived: boolean;
  apiRequestId: string | null;
  failed: string | null;
}

const isConsoleStep = (s: string | undefined): s is ConsoleStepId => !!s && (CONSOLE_STEPS as readonly string[]).includes(s);

export function consoleEvents(events: readonly LabEvent[], s: ConsoleSession): LabEvent[] {
  const later = events.filter((e) => e.seq > s.startSeq && e.kind === 'step' && isConsoleStep(e.step));
  // Proxy sessions name the instance only once the token is validated: keep their earlier steps too.
  const proxySessions = new Set(
    later.filter((e) => e.ctx?.instance_uuid === s.instanceUuid && e.source.includes('novncproxy')).map((e) => e.ctx?.request_id),
  );
  return later.filter(
    (e) =>
      e.ctx?.instance_uuid === s.instanceUuid ||
      (s.apiRequestId !== null && e.ctx?.request_id === s.apiRequestId) ||
      (e.ctx?.request_id !== undefined && proxySessions.has(e.ctx.request_id)) ||
      (e.step === 'api.compute_call' && e.summary.includes(s.instanceUuid)),
  );
}

export function consoleFlow(events: readonly LabEvent[], s: ConsoleSession): FlowStep[] {
  const mine = consoleEvents(events, s);
  const byStep = new Map<ConsoleStepId, LabEvent>();
  for (const e of mine) byStep.set(e.step as ConsoleStepId, e);
  const local: Partial<Record<ConsoleStepId, boolean>> = {
    'browser.open': s.opened,
    'api.request': s.urlRequested,
    'api.url': s.urlReceived || byStep.has('api.url'),
  };
  const happened = (id: ConsoleStepId) => byStep.has(id) || !!local[id];
  const lastHappened = Math.max(-1, ...CONSOLE_STEPS.map((id, i) => (happened(id) ? i : -1)));
  // The course lists connect_info's return (14) last, but it comes back before the token (8).
  const implied = (id: ConsoleStepId, i: number) =>
    i < lastHappened || (id === 'compute.connect_info' && lastHappened >= CONSOLE_STEPS.indexOf('consoleauth.authorize'));
  const localSummary: Partial<Record<ConsoleStepId, string>> = {
    'api.request': s.urlRequested
      ? `POST /compute/v2.1/servers/${s.instanceUuid}/remote-consoles {"remote_console":{"protocol":"vnc","type":"novnc"}}`
      : undefined,
  };
  return CONSOLE_STEPS.map((id, i) => {
    const e = byStep.get(id);
    let status: FlowStatus = happened(id) ? 'done' : implied(id, i) ? 'implied' : 'pending';
    if (s.failed && !happened(id) && i === lastHappened + 1) status = 'failed';
    const summary = e?.summary ?? localSummary[id] ?? null;
    const step: FlowStep = { id, n: i + 1, status, summary, from: e ? 'lab' : summary ? 'gui' : null };
    if (e?.message) step.message = e.message;
    return step;
  });
}
