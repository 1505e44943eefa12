// Pure: the twelve boot steps of one request, from the lab's events, the held steps and what
// the GUI itself saw — a renderer of the step table (boot-steps-table.ts). Each step gets a
// status, the summary of its real message and the events behind it.
import { BOOT_STEPS, type BootStepId } from '../../../contract/boot-steps';
import type { LabEvent } from '../../../contract/events';
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { LabMessage } from '../../../contract/messages';
import type { Hold } from '../api/lab';
import type { LaunchRecord } from './launch-record';
import { BOOT_STEP_TABLE, rpcStep, type ImageProgress, type StepFacts, type StepMessage } from './boot-steps-table';
import { stepSpan, type Span } from './boot-timing';
import { bootWaterfall, type Waterfall } from './boot-waterfall';

export type { ImageProgress } from './boot-steps-table';

export type StepStatus = 'pending' | 'active' | 'held' | 'done' | 'error' | 'skipped';

export interface StepView {
  id: BootStepId;
  n: number;
  status: StepStatus;
  summary: string | null;
  /** The summary when the GUI built it (its own steps): rendered in the learner's language.
   *  null: the summary is the lab's event line. */
  message: StepMessage | null;
  /** The instance's fault, when this is the step where the request failed. */
  fault: string | null;
  /** That fault by code, when the lab gave it (the GUI translates it). */
  faultMessage: LabMessage | null;
  /** The summary by code, when it is the lab's event line (the GUI translates it). */
  labMessage: LabMessage | null;
  events: LabEvent[];
  hold: Hold | null;
  /** For steps the GUI made itself (1, 2, 3, 12): what it sent or got. */
  local: unknown;
  /** When the step started and ended, from its events' timestamps (boot-timing.ts). */
  span: Span | null;
}

export interface BootView {
  requestId: string | null;
  instanceUuid: string | null;
  steps: StepView[];
  trace: ScheduleTrace | null;
  images: ImageProgress[];
  finished: 'ACTIVE' | 'ERROR' | null;
  fault: string | null;
  /** The whole boot across the services (boot-waterfall.ts). */
  waterfall: Waterfall;
  /** The fault by code: the scheduler's NoValidHost (the decision's error), or the fault event nova-conductor published. */
  faultMessage: LabMessage | null;
}

const isTrace = (d: unknown): d is ScheduleTrace =>
  !!d && typeof d === 'object' && Array.isArray((d as ScheduleTrace).filters) && 'chosen' in (d as object);

/** The request id of a launch whose POST has not answered yet (e.g. held in step mode). */
export function findRequestId(
  events: readonly LabEvent[],
  holds: Hold[],
  launch: Pick<LaunchRecord, 'name' | 'startSeq' | 'requestId'>,
): string | null {
  if (launch.requestId) return launch.requestId;
  const named = (detail: unknown) => {
    const body = (detail as { body?: { server?: { name?: unknown } } } | undefined)?.body;
    return body?.server?.name === launch.name;
  };
  const hold = holds.find((h) => h.announcement.step === 'api.request' && named(h.announcement.detail));
  if (hold?.ctx.request_id) return hold.ctx.request_id;
  const ev = events.find((e) => e.seq > launch.startSeq && e.kind === 'step' && e.step === 'api.request' && named(e.detail));
  return ev?.ctx?.request_id ?? null;
}

function imageProgress(events: LabEvent[]): ImageProgress[] {
  const byName = new Map<string, ImageProgress>();
  for (const e of events) {
    if (e.kind !== 'progress' || e.step !== 'compute.image') continue;
    const d = (e.detail ?? {}) as { name?: string; bytes?: number; total?: number | null; cached?: boolean };
    const name = d.name ?? e.summary.split(':')[0] ?? '?';
    byName.set(name, { name, bytes: Number(d.bytes ?? 0), total: d.total ?? null, cached: !!d.cached });
  }
  return [...byName.values()];
}

/**
 * The boot's outcome from the instance's status now: BUILD is still booting, ERROR failed,
 * any other status (ACTIVE, SHUTOFF, PAUSED, a resize…) means the boot ended ACTIVE once.
 */
export function bootOutcome(status: string | null | undefined): 'ACTIVE' | 'ERROR' | null {
  if (!status || status === 'BUILD') return null;
  return status === 'ERROR' ? 'ERROR' : 'ACTIVE';
}

/** The last saved decision of this request's boot (its attempts share the request id), if the lab still keeps it. */
export function savedBootTrace(saved: readonly ScheduleTrace[], requestId: string | null): ScheduleTrace | null {
  if (!requestId) return null;
  const mine = saved.filter((t) => t.request_id === requestId && (!t.kind || t.kind === 'boot'));
  return mine.sort((a, b) => a.attempt - b.attempt || a.started_at.localeCompare(b.started_at))[mine.length - 1] ?? null;
}

export function bootView(
  launch: LaunchRecord | null,
  requestId: string | null,
  allEvents: readonly LabEvent[],
  holds: Hold[],
  serverStatus: { status: string; fault: string | null } | null,
  /** The instance's saved decisions (GET …/os-scheduler-trace): they outlive the events. */
  saved: readonly ScheduleTrace[] = [],
): BootView {
  const events = requestId ? allEvents.filter((e) => e.ctx?.request_id === requestId) : [];
  const perStep = new Map<BootStepId, LabEvent[]>(BOOT_STEPS.map((s) => [s, []]));
  const happened = new Set<BootStepId>();
  let current: BootStepId | null = null;
  for (const e of events) {
    if (e.kind === 'rpc.call' && e.topic === 'lab') continue; // the step announcement itself
    if (e.kind === 'hold') continue;
    let id: BootStepId | null = null;
    if ((e.kind === 'step' || e.kind === 'progress') && e.step && (BOOT_STEPS as readonly string[]).includes(e.step))
      id = e.step as BootStepId;
    else if (e.kind.startsWith('rpc.')) id = rpcStep(e) ?? current;
    else if (e.kind === 'progress') id = current;
    if (!id) continue;
    perStep.get(id)!.push(e);
    if (e.kind === 'step' || (e.kind === 'rpc.call' && rpcStep(e) === id)) {
      happened.add(id);
      current = id;
    }
  }

  // keystone's identity steps carry its own request id, not this one: take the last login
  // before this request's first event (correlated by time) — for a launch made here, one
  // after the launch began (the GUI's own fresh token).
  const logins: LabEvent[] = [];
  if (events.length) {
    const first = events[0]!.seq;
    for (const id of ['identity.credentials', 'identity.token'] as const) {
      const e = [...allEvents]
        .reverse()
        .find((x) => x.seq < first && (!launch || x.seq > launch.startSeq) && x.kind === 'step' && x.step === id);
      if (e) {
        perStep.get(id)!.push(e);
        logins.push(e);
        happened.add(id);
      }
    }
  }
  const timed = [...logins, ...events];

  const traceEvent = [...perStep.get('scheduler.decide')!].reverse().find((e) => isTrace(e.detail));
  const trace = traceEvent ? (traceEvent.detail as ScheduleTrace) : savedBootTrace(saved, requestId);
  const driverStarted = perStep
    .get('compute.driver')!
    .some((e) => e.kind === 'step' && (e.detail as { pid?: unknown } | undefined)?.pid !== undefined);
  const images = imageProgress(perStep.get('compute.image')!);
  // Another client's launch, or one made before a reload: what the instance is now says how its boot ended.
  const finalStatus = launch?.finalStatus ?? bootOutcome(serverStatus?.status);
  const finished = finalStatus === 'ACTIVE' || finalStatus === 'ERROR' ? finalStatus : null;
  const fault = launch?.server?.fault?.message ?? serverStatus?.fault ?? null;
  const faultEvent = fault === null ? undefined : [...events].reverse().find((e) => e.kind === 'fault' && e.summary === fault && e.message);
  const faultMessage = fault !== null && trace?.error === fault ? (trace.error_message ?? null) : (faultEvent?.message ?? null);
  const myHolds = holds.filter((h) => h.ctx.request_id && h.ctx.request_id === requestId);
  // Another client's polls are its own step events; a reply that merely followed step 11 is not one.
  const pollEvents = perStep.get('api.poll')!.filter((e) => e.kind === 'step');

  const facts: StepFacts = { launch, happened, trace, driverStarted, images, finished };
  const done = (id: BootStepId): boolean => {
    // A boot that ended ACTIVE went through every step, whether or not the lab still keeps their events.
    if (finished === 'ACTIVE') return true;
    const rule = BOOT_STEP_TABLE.find((r) => r.id === id);
    return rule?.done ? rule.done(facts) : happened.has(id);
  };
  const failed =
    BOOT_STEP_TABLE.find((r) => r.failed?.(facts))?.id ??
    (finished === 'ERROR' ? (BOOT_STEPS.find((s) => s !== 'api.poll' && !done(s)) ?? 'api.poll') : null);
  const firstOpen = BOOT_STEPS.find((s) => !done(s)) ?? null;
  // Not another client's instance whose state is not known yet: nothing is "in progress" on a guess.
  const running = !failed && !finished && !launch?.pollError && (!!launch || serverStatus?.status === 'BUILD');

  const steps: StepView[] = BOOT_STEP_TABLE.map((rule, i) => {
    const id = rule.id;
    const evs = perStep.get(id)!;
    const hold = myHolds.find((h) => h.announcement.step === id) ?? null;
    let status: StepStatus = done(id) ? 'done' : 'pending';
    if (id === failed) status = 'error';
    else if (hold) status = 'held';
    else if (status === 'pending' && running && id === firstOpen) status = 'active';
    if (id === 'api.poll' && finished === 'ERROR') status = 'error';
    if (status === 'pending' && (failed || finished === 'ERROR')) status = 'skipped';
    const lastStep = [...evs].reverse().find((e) => e.kind === 'step');
    let summary = lastStep?.summary ?? hold?.announcement.summary ?? null;
    let message: StepMessage | null = null;
    let said = lastStep;
    if (id === 'scheduler.decide' && traceEvent) {
      summary = traceEvent.summary;
      said = traceEvent;
    }
    if (!summary && rule.rpcSummary) {
      const rpc = evs.filter((e) => e.kind.startsWith('rpc.') && rpcStep(e) === id);
      if (rpc.length) {
        summary = rpc.map((e) => `${e.kind} ${e.topic}.${e.method}`).join(' · ');
        message = { key: 'bootSummary.rpc', params: { messages: summary } };
      }
    }
    let local: unknown = null;
    if (launch && rule.local) {
      const part = rule.local(launch, summary);
      ({ local, summary } = part);
      message = part.message ?? null;
    } else if (!launch && id === 'api.poll' && pollEvents.length) summary = pollEvents[pollEvents.length - 1]!.summary;
    const stepFault = status === 'error' && fault && id === failed && !summary?.includes(fault) ? fault : null;
    // By code while it is the lab's own line; the fault, when appended, is rendered apart from it.
    const labMessage = said?.message && summary === said.summary ? said.message : null;
    if (stepFault) summary = summary ? `${summary} — ${stepFault}` : stepFault;
    return {
      id,
      n: i + 1,
      status,
      summary,
      message,
      labMessage,
      fault: stepFault,
      faultMessage: stepFault ? faultMessage : null,
      events: evs,
      hold,
      local,
      span: stepSpan(id, timed),
    };
  });

  const instanceUuid = launch?.serverId ?? events.find((e) => e.ctx?.instance_uuid)?.ctx?.instance_uuid ?? null;
  return { requestId, instanceUuid, steps, trace, images, finished, fault, faultMessage, waterfall: bootWaterfall(timed) };
}
