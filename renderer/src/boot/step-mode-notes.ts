// Pure: what step mode tells the learner about a held request — the process that holds it,
// the banner's state for the request on screen, and where the lab's real order differs from
// the course's twelve steps. Each text is an i18n key with its parameters.
import { bootStepNumber, BOOT_STEPS, CONSOLE_STEPS, type BootStepId } from '../../../contract/boot-steps';
import type { Hold, HoldPlace } from '../../../contract/lab-api';
import type { StepView } from './boot-model';

export interface Said {
  key: string;
  params?: Record<string, string | number>;
}

/** "nova-conductor (pid 1234)", "nova-compute on host-a (pid …)", "nova-api osapi_compute worker 1 (pid …)". */
export function placeText(p: HoldPlace): Said {
  const pid = p.pid ?? '?';
  if (p.worker) return { key: 'stepMode.place.worker', params: { service: p.service, role: p.worker.role, index: p.worker.index, pid } };
  if (p.host) return { key: 'stepMode.place.host', params: { service: p.service, host: p.host, pid } };
  return { key: 'stepMode.place.service', params: { service: p.service, pid } };
}

const isBootStep = (s: string): s is BootStepId => (BOOT_STEPS as readonly string[]).includes(s);

/** A console step's number in the course's fourteen (0 if it is none). */
const consoleStepNumber = (s: string): number => (CONSOLE_STEPS as readonly string[]).indexOf(s) + 1;

/** The held line: where the request waits and before which step (of the boot, or of a console session). */
export function heldLine(h: Hold, place: string | null): Said {
  const id = h.announcement.step;
  if (isBootStep(id)) {
    const at = { n: bootStepNumber(id), step: id };
    return place ? { key: 'stepMode.heldIn', params: { ...at, place } } : { key: 'stepMode.heldStep', params: at };
  }
  const n = consoleStepNumber(id);
  if (n > 0 && place) return { key: 'stepMode.heldConsoleIn', params: { n, step: id, place } };
  return place ? { key: 'stepMode.heldOtherIn', params: { step: id, place } } : { key: 'stepMode.heldOther', params: { step: id } };
}

export type BannerState =
  { kind: 'off' } | { kind: 'held'; hold: Hold } | { kind: 'ended'; status: 'ACTIVE' | 'ERROR'; step: number | null } | { kind: 'waiting' };

/**
 * The banner for the request on screen. A request that finished (ACTIVE, or failed at a step)
 * has nothing more to hold: the banner says so rather than "the next step will wait".
 */
export function bannerState(
  enabled: boolean,
  mine: readonly Hold[],
  steps: readonly StepView[] | null,
  finished: 'ACTIVE' | 'ERROR' | null,
): BannerState {
  if (mine[0]) return { kind: 'held', hold: mine[0] };
  if (!enabled) return { kind: 'off' };
  const failed = steps?.find((s) => s.status === 'error') ?? null;
  if (failed || finished === 'ERROR') return { kind: 'ended', status: 'ERROR', step: failed?.n ?? null };
  if (finished === 'ACTIVE') return { kind: 'ended', status: 'ACTIVE', step: null };
  return { kind: 'waiting' };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Where the lab's real order differs from the course's, for the step a request is held
 * before (or, for step 10, is waiting in). Each note states what the lab's code does.
 */
export function orderNotes(step: BootStepId, hold: Hold | null, heldElsewhere: readonly Hold[]): Said[] {
  const notes: Said[] = [];
  const d = (hold?.announcement.detail ?? {}) as Record<string, unknown>;
  if (hold) {
    switch (step) {
      case 'api.request':
        notes.push({ key: 'stepMode.order.signedIn' });
        break;
      case 'conductor.record':
        notes.push({ key: 'stepMode.order.recordViaConductor' });
        break;
      case 'scheduler.call': {
        const spec = (d.request_spec ?? {}) as { retry?: { num_attempts?: unknown; hosts?: unknown } };
        const attempt = num(spec.retry?.num_attempts);
        const hosts = Array.isArray(spec.retry?.hosts) ? (spec.retry.hosts as unknown[]).map(String) : [];
        if (attempt !== null && attempt > 1) notes.push({ key: 'stepMode.order.retry', params: { attempt, hosts: hosts.join(', ') } });
        const count = Array.isArray(d.instance_uuids) ? d.instance_uuids.length : 1;
        if (count > 1) notes.push({ key: 'stepMode.order.together', params: { count } });
        break;
      }
      case 'scheduler.decide': {
        const count = num(d.instances) ?? 1;
        if (count > 1) notes.push({ key: 'stepMode.order.together', params: { count } });
        break;
      }
      case 'compute.driver':
        notes.push({ key: 'stepMode.order.driverBegins' });
        break;
      case 'compute.image':
        notes.push({ key: 'stepMode.order.imageInsideDriver' });
        break;
      default:
        break;
    }
    // After step 5 nova-api has answered 202: the client polls while the rest is held.
    if (bootStepNumber(step) >= bootStepNumber('scheduler.call') && bootStepNumber(step) <= bootStepNumber('compute.image'))
      notes.push({ key: 'stepMode.order.pollingMeanwhile' });
  } else if (step === 'compute.driver' && heldElsewhere.some((h) => h.announcement.step === 'compute.image')) {
    notes.push({ key: 'stepMode.order.driverWaitsForImage' });
  }
  return notes;
}

/** The holds a service's process (or, for nova-api, one of its workers) holds, with their step numbers. */
export function heldBy(
  holds: readonly Hold[],
  p: { binary: string; host: string },
): { id: number; key: string; n: number | string; pid: number | null }[] {
  return holds
    .filter((h) => h.holder && h.holder.service === p.binary && (h.holder.host === null || h.holder.host === p.host))
    .map((h) => ({
      id: h.id,
      ...(isBootStep(h.announcement.step)
        ? { key: 'stepMode.map.holding', n: bootStepNumber(h.announcement.step) }
        : { key: 'stepMode.map.holdingConsole', n: consoleStepNumber(h.announcement.step) }),
      pid: h.holder!.pid,
    }));
}
