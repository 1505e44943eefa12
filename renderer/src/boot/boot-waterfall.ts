// Pure: the whole boot as a waterfall, like a browser's network panel — one lane per service
// that took part, a bar for each span of work or waiting, and "waited for" links between
// them. Every bar is cut from the lab's event timestamps (see boot-timing.ts):
//   wait  — a caller from its rpc.call to the reply (the bus stamps both);
//   work  — the callee over the same span (the bus hands the call over as it stamps it), or a
//           cast's receiver from the cast to the last message it sent for this request;
//   cast  — the instant a cast left;
//   http  — nova-api from the request's arrival (its started_at) to the response;
//   token — keystone from the login's arrival (started_at) to the token;
//   fetch — nova-compute fetching one image (started_at to its last progress), with
//   serve — glance sending it over the same span (only when the bytes really came from glance);
//   decide — nova-scheduler filtering and weighing (step 7's events);
//   guest — the guest's process from its start to the driver's "started";
//   boot  — the guest booting from there to its login banner on the serial console (nova-compute
//           watches for it; ACTIVE usually comes first).
import type { LabEvent } from '../../../contract/events';
import { bootStepNumber, type BootStepId } from '../../../contract/boot-steps';
import { rpcStep } from './boot-steps-table';
import { eventStart, eventTime } from './boot-timing';

export type BarKind = 'wait' | 'work' | 'cast' | 'http' | 'token' | 'fetch' | 'serve' | 'decide' | 'guest' | 'boot';

export interface Bar {
  id: string;
  lane: string;
  kind: BarKind;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** A name, not prose: topic.method, an image name, an HTTP line. */
  label: string;
  /** The boot step (1–12) the bar belongs to, when one names it. */
  step: number | null;
  /** The seq of the event that opened the bar (the order the bus saw things in). */
  seq: number;
  /** A call still waiting for its reply (its end is the latest event so far). */
  open?: boolean;
  /** A call answered by the bus itself (no listener, or a timeout) instead of its callee. */
  failed?: boolean;
}

export interface Lane {
  /** The emitting process, e.g. nova-api, nova-compute@host-a; or glance-api, guest. */
  id: string;
  kind: 'service' | 'glance' | 'guest';
  /** Bars packed into rows so that none overlap. */
  tracks: Bar[][];
}

/** `from` waited for `to` (an rpc call and its callee, a cast and its receiver, a fetch and glance). */
export interface Link {
  from: string;
  to: string;
}

export interface Waterfall {
  t0: number;
  t1: number;
  lanes: Lane[];
  bars: Bar[];
  links: Link[];
  /** The driver named in step 10 (qemu, fake), for the guest lane's name. */
  driver: string | null;
}

/** The process that serves an rpc topic, by the lab's naming (compute.<host> is nova-compute@<host>). */
export function topicServer(topic: string): string {
  return topic.startsWith('compute.') ? `nova-compute@${topic.slice('compute.'.length)}` : `nova-${topic}`;
}

const NOT_A_LANE = new Set(['novalab', 'broker']);
/** glance's lane: glance-api serves the image bytes (it reports no events of its own for a download). */
const GLANCE = 'glance-api';
const isBanner = (e: LabEvent) => e.kind === 'progress' && (e.detail as { phase?: string } | null)?.phase === 'banner';
const stepOf = (id: BootStepId | null) => (id ? bootStepNumber(id) : null);

/** Packs bars into the fewest rows, earliest first, so that bars in a row do not overlap. */
export function packTracks(bars: readonly Bar[]): Bar[][] {
  const tracks: Bar[][] = [];
  const sorted = [...bars].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || a.seq - b.seq);
  for (const bar of sorted) {
    const row = tracks.find((t) => t[t.length - 1]!.end <= bar.start && !(t[t.length - 1]!.end === bar.start && bar.end === bar.start));
    if (row) row.push(bar);
    else tracks.push([bar]);
  }
  return tracks;
}

export function bootWaterfall(input: readonly LabEvent[]): Waterfall {
  const events = [...input].sort((a, b) => a.seq - b.seq);
  const bars: Bar[] = [];
  const links: Link[] = [];
  const pending = new Map<string, Bar[]>();
  const fetches = new Map<string, { bar: Bar; cached: boolean }>();
  let decide: Bar | null = null;
  const guests = new Map<string, Bar>();
  let driver: string | null = null;
  const add = (b: Omit<Bar, 'id'>): Bar => {
    const bar = { ...b, id: `b${bars.length + 1}` };
    bars.push(bar);
    return bar;
  };

  for (const e of events) {
    const t = eventTime(e);
    // The lab announces step 10 with the driver's name.
    if (e.kind === 'step' && e.step === 'compute.driver') driver = ((e.detail ?? {}) as { driver?: string }).driver ?? driver;
    // A reply from the bus itself still ends its call (as a failure).
    if (e.kind === 'hold' || (NOT_A_LANE.has(e.source) && e.kind !== 'rpc.reply') || (e.kind.startsWith('rpc.') && e.topic === 'lab'))
      continue;
    const key = `${e.topic}.${e.method}`;
    if (e.kind === 'rpc.call' && e.topic && e.method) {
      const bar = add({ lane: e.source, kind: 'wait', start: t, end: t, label: key, step: stepOf(rpcStep(e)), seq: e.seq, open: true });
      pending.set(key, [...(pending.get(key) ?? []), bar]);
    } else if (e.kind === 'rpc.reply') {
      const queue = pending.get(key) ?? [];
      const call = queue.shift();
      if (!call) continue;
      call.end = t;
      delete call.open;
      if (e.source === 'broker') {
        call.failed = true;
        continue;
      }
      const work = add({ lane: e.source, kind: 'work', start: call.start, end: t, label: key, step: call.step, seq: call.seq });
      links.push({ from: call.id, to: work.id });
    } else if (e.kind === 'rpc.cast' && e.topic && e.method) {
      const cast = add({ lane: e.source, kind: 'cast', start: t, end: t, label: key, step: stepOf(rpcStep(e)), seq: e.seq });
      // The receiver's work: up to the last message it sent for this request after the cast.
      const target = topicServer(e.topic);
      // (The banner is reported by a watch that outlives the build: not part of its work.)
      const later = events.filter((x) => x.seq > e.seq && x.source === target && x.kind !== 'rpc.reply' && !isBanner(x));
      const last = later[later.length - 1];
      if (last) {
        const work = add({ lane: target, kind: 'work', start: t, end: eventTime(last), label: key, step: cast.step, seq: e.seq });
        links.push({ from: cast.id, to: work.id });
      }
    } else if (e.kind === 'http') {
      const d = (e.detail ?? {}) as { method?: string; path?: string; status?: number };
      add({
        lane: e.source,
        kind: 'http',
        start: eventStart(e),
        end: t,
        label: `${d.method ?? ''} ${d.path ?? ''} → ${d.status ?? ''}`.trim(),
        step: 3,
        seq: e.seq,
      });
    } else if (e.kind === 'step' && e.step === 'identity.credentials') {
      const d = (e.detail ?? {}) as { method?: string; path?: string };
      add({
        lane: e.source,
        kind: 'token',
        start: eventStart(e),
        end: t,
        label: `${d.method ?? 'POST'} ${d.path ?? ''}`.trim(),
        step: 1,
        seq: e.seq,
      });
    } else if (e.kind === 'progress' && e.step === 'compute.image') {
      const d = (e.detail ?? {}) as { name?: string; cached?: boolean };
      const name = d.name ?? '?';
      const f = fetches.get(name);
      if (f) {
        f.bar.end = Math.max(f.bar.end, t);
        f.cached = f.cached && !!d.cached;
      } else
        fetches.set(name, {
          bar: add({ lane: e.source, kind: 'fetch', start: eventStart(e), end: t, label: name, step: 11, seq: e.seq }),
          cached: !!d.cached,
        });
    } else if (e.kind === 'step' && e.step === 'scheduler.decide') {
      if (decide) decide.end = t;
      else decide = add({ lane: e.source, kind: 'decide', start: t, end: t, label: 'scheduler.decide', step: 7, seq: e.seq });
    } else if (e.kind === 'progress' && !e.step) {
      // The driver's spawn phases, from the host that starts the guest.
      const p = (e.detail ?? {}) as { phase?: string };
      const guest = guests.get(e.source);
      if (p.phase === 'starting' && !guest)
        guests.set(e.source, add({ lane: 'guest', kind: 'guest', start: t, end: t, label: e.source, step: 10, seq: e.seq }));
      else if (p.phase === 'started' && guest) guest.end = t;
      else if (p.phase === 'banner' && guest) {
        const line = ((e.detail ?? {}) as { detail?: string }).detail ?? '';
        add({ lane: 'guest', kind: 'boot', start: guest.end, end: t, label: line, step: null, seq: e.seq });
      }
    }
  }

  // The decide step starts at its announcement, which the scheduler sends as lab.step: the
  // scheduler's own event says when it ended, so find its start among the request's events.
  if (decide) {
    const first = events.find((x) => x.step === 'scheduler.decide');
    if (first) decide.start = Math.min(decide.start, eventTime(first));
  }
  for (const { bar, cached } of fetches.values()) {
    if (cached) continue;
    const serve = add({ lane: GLANCE, kind: 'serve', start: bar.start, end: bar.end, label: bar.label, step: 11, seq: bar.seq });
    links.push({ from: bar.id, to: serve.id });
  }
  for (const guest of guests.values()) {
    const build = bars.find((b) => b.kind === 'work' && b.lane === guest.label && b.start <= guest.start && b.end >= guest.start);
    if (build) links.push({ from: build.id, to: guest.id });
  }

  const t0 = bars.length ? Math.min(...bars.map((b) => b.start)) : 0;
  const t1 = bars.length ? Math.max(...bars.map((b) => b.end)) : 0;
  for (const b of bars) if (b.open) b.end = Math.max(b.end, t1);

  const laneIds: string[] = [];
  for (const b of [...bars].sort((a, b) => a.start - b.start || a.seq - b.seq)) if (!laneIds.includes(b.lane)) laneIds.push(b.lane);
  const lanes: Lane[] = laneIds.map((id) => ({
    id,
    kind: id === GLANCE ? 'glance' : id === 'guest' ? 'guest' : 'service',
    tracks: packTracks(bars.filter((b) => b.lane === id)),
  }));
  return { t0, t1, lanes, bars, links, driver };
}

/** Time-axis ticks: a round step (1, 2 or 5 × 10ⁿ ms) giving at most `max` ticks over the span. */
export function axisTicks(span: number, max = 8): number[] {
  if (span <= 0) return [0];
  const raw = span / max;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = 0; v <= span + 1e-9; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return ticks;
}
