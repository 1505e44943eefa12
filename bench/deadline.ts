// Deadlines for the bench: every section has a budget and every step inside it a deadline.
// A step that overruns is abandoned (its AbortSignal fires, so sockets, timers and children it
// owns are let go) and the section reports `timed_out: "<section>/<step>"`; the figures it
// measured before stay in the result. Cleanups (labs stopped, processes killed) run after the
// section whatever happened, each with its own deadline, so the run always reaches its JSON.
import { setMaxListeners } from 'node:events';

export type Figures = Record<string, number | string>;

export class TimedOut extends Error {
  constructor(readonly where: string) {
    super(`timed out: ${where}`);
    this.name = 'TimedOut';
  }
}

export interface SectionContext {
  readonly section: string;
  /** Fires when the section's budget is spent (or its current step timed out). */
  readonly signal: AbortSignal;
  /** A shorter run for a test of the bench itself: fewer repetitions, smaller fills. */
  readonly quick: boolean;
  /** Figures recorded as they are measured: a later timeout keeps them. */
  readonly figures: Figures;
  /**
   * Run one step; its signal fires at the step's deadline or the section's (not when the step
   * ends in time: what the step opened for later steps stays open).
   */
  step<T>(name: string, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Something to undo when the section ends (last registered, first run), however it ended. */
  defer(name: string, cleanup: () => Promise<unknown> | unknown): void;
}

export interface Section {
  name: string;
  /** The most this section may take, cleanups excluded. */
  budgetMs: number;
  run(ctx: SectionContext): Promise<Figures | void>;
}

export interface SectionOutcome {
  figures: Figures;
  timedOut: string | null;
  error: string | null;
  ms: number;
}

/** Rejects with TimedOut(where) after `ms`, or when `signal` fires; `settle` cancels the timer. */
function deadline(ms: number, where: string, signal?: AbortSignal): { promise: Promise<never>; settle(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(where)), Math.max(0, ms));
    if (signal) {
      onAbort = () => reject(signal.reason instanceof TimedOut ? signal.reason : new TimedOut(where));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  promise.catch(() => undefined); // raced, never awaited alone
  return {
    promise,
    settle: () => {
      clearTimeout(timer);
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** `work` or TimedOut(where), whichever comes first; the loser is abandoned, not awaited. */
export async function within<T>(ms: number, where: string, work: Promise<T>, signal?: AbortSignal): Promise<T> {
  const d = deadline(ms, where, signal);
  try {
    return await Promise.race([work, d.promise]);
  } finally {
    d.settle();
  }
}

export interface RunSectionOptions {
  /** Overrides the section's own budget (e.g. what is left of the whole bench's). */
  budgetMs?: number;
  quick?: boolean;
  /** What all cleanups of the section may take together. */
  cleanupMs?: number;
}

export async function runSection(section: Section, opts: RunSectionOptions = {}): Promise<SectionOutcome> {
  const t0 = performance.now();
  const budget = Math.min(section.budgetMs, opts.budgetMs ?? Infinity);
  const sectionAbort = new AbortController();
  const cleanups: { name: string; fn: () => Promise<unknown> | unknown }[] = [];
  let current = 'start';
  const figures: Figures = {};
  const ctx: SectionContext = {
    section: section.name,
    signal: sectionAbort.signal,
    quick: opts.quick ?? false,
    figures,
    async step(name, ms, fn) {
      current = name;
      const where = `${section.name}/${name}`;
      const stepAbort = new AbortController();
      // Many requests of a step may wait on it at once (100 concurrent clients): not a leak.
      setMaxListeners(0, stepAbort.signal);
      const left = budget - (performance.now() - t0);
      // The section's end names the step that was running when it came.
      const onSection = () => stepAbort.abort(new TimedOut(where));
      if (sectionAbort.signal.aborted) throw new TimedOut(where);
      sectionAbort.signal.addEventListener('abort', onSection, { once: true });
      const d = deadline(Math.min(ms, left), where, stepAbort.signal);
      try {
        return await Promise.race([fn(stepAbort.signal), d.promise]);
      } catch (err) {
        if (err instanceof TimedOut && !stepAbort.signal.aborted) stepAbort.abort(err);
        throw err;
      } finally {
        d.settle();
        sectionAbort.signal.removeEventListener('abort', onSection);
      }
    },
    defer(name, fn) {
      cleanups.push({ name, fn });
    },
  };

  let timedOut: string | null = null;
  let error: string | null = null;
  const sectionTimer = setTimeout(() => sectionAbort.abort(new TimedOut(`${section.name}/${current}`)), budget);
  try {
    const work = section.run(ctx);
    work.catch(() => undefined); // abandoned on timeout
    const result = await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        const fail = () => reject(sectionAbort.signal.reason);
        if (sectionAbort.signal.aborted) fail();
        else sectionAbort.signal.addEventListener('abort', fail, { once: true });
      }),
    ]);
    if (result) Object.assign(figures, result);
  } catch (err) {
    if (err instanceof TimedOut) timedOut = err.where;
    else error = (err as Error)?.message ?? String(err);
  } finally {
    clearTimeout(sectionTimer);
    if (!sectionAbort.signal.aborted) sectionAbort.abort(new Error('section finished'));
  }

  // Cleanups share one deadline; one that hangs is named and the rest still run.
  const cleanupEnd = performance.now() + (opts.cleanupMs ?? 60_000);
  for (const c of cleanups.reverse()) {
    try {
      await within(cleanupEnd - performance.now(), `${section.name}/cleanup:${c.name}`, Promise.resolve().then(c.fn));
    } catch (err) {
      if (err instanceof TimedOut) timedOut ??= err.where;
      else error ??= `cleanup ${c.name}: ${(err as Error)?.message ?? String(err)}`;
    }
  }
  return { figures: { ...figures }, timedOut, error, ms: performance.now() - t0 };
}

/** A sleep that ends early (rejecting) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
