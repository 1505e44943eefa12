// Step mode: when on, a service announcing a boot step waits here until the learner presses
// Next (release one) or Continue (turn step mode off and release all). When off, steps pass.
// Each hold names the process that waits (the caller of the lab's step method); a hold whose
// process went away, or stopped waiting at its own timeout, is dropped, so none is shown stale.
import type { RequestContext } from '../../contract/events.js';
import type { Hold, HoldPlace } from '../../contract/lab-api.js';
import type { StepAnnouncement } from '../rpc/lab-api.js';

export type { Hold } from '../../contract/lab-api.js';

/** The bus client that announced the step: its connection, its name and process. */
export interface HoldCaller {
  clientId: string;
  name: string;
  pid: number | null;
  worker: { role: string; index: number } | null;
  /** How long the caller waits for the answer; after that it is no longer held. */
  timeoutMs: number;
}

/** Steps that are reported but never held: holding a client's status poll teaches nothing. */
const NEVER_HELD = new Set(['api.poll']);

/** Where a caller is, from its bus name ("nova-compute@host-a", "nova-conductor") and hello. */
export function holdPlace(c: Pick<HoldCaller, 'name' | 'pid' | 'worker'>): HoldPlace {
  const at = c.name.indexOf('@');
  return {
    service: at < 0 ? c.name : c.name.slice(0, at),
    host: at < 0 ? null : c.name.slice(at + 1),
    pid: c.pid,
    worker: c.worker,
  };
}

interface Held {
  hold: Hold;
  clientId: string | null;
  /** true: the step goes on (Next, Continue, the caller's timeout); false: nobody waits any more. */
  release: (proceeds: boolean) => void;
  timer: NodeJS.Timeout | null;
}

export class StepGate {
  private enabled = false;
  private nextId = 0;
  private held: Held[] = [];

  constructor(private onChange: (holds: Hold[], enabled: boolean) => void = () => undefined) {}

  get stepMode(): boolean {
    return this.enabled;
  }
  holds(): Hold[] {
    return this.held.map((h) => h.hold);
  }

  setStepMode(on: boolean): void {
    this.enabled = on;
    if (!on) this.releaseWhere(() => true, true);
    this.onChange(this.holds(), this.enabled);
  }

  /** Resolves when the step may proceed (true), or when its caller went away (false: the step never happens). */
  pass(announcement: StepAnnouncement, ctx: RequestContext, caller: HoldCaller | null = null): Promise<boolean> {
    if (!this.enabled || NEVER_HELD.has(announcement.step)) return Promise.resolve(true);
    return new Promise((release) => {
      const hold: Hold = {
        id: ++this.nextId,
        since: new Date().toISOString(),
        ctx,
        announcement,
        holder: caller ? holdPlace(caller) : null,
      };
      const entry: Held = { hold, clientId: caller?.clientId || null, release, timer: null };
      // The caller gives up at its timeout and goes on by itself: the hold is over then.
      if (caller && caller.timeoutMs > 0) {
        entry.timer = setTimeout(() => this.drop((h) => h === entry, true), caller.timeoutMs);
        entry.timer.unref();
      }
      this.held.push(entry);
      this.onChange(this.holds(), this.enabled);
    });
  }

  /** Next: release the oldest hold (of one request, if given). Returns the released hold. */
  next(requestId?: string): Hold | null {
    const h = this.held.find((x) => !requestId || x.hold.ctx.request_id === requestId);
    if (!h) return null;
    this.drop((x) => x === h, true);
    return h.hold;
  }

  /** A bus client went away (its service stopped, crashed or restarted): nothing of it waits now. */
  callerGone(clientId: string): void {
    if (this.held.some((h) => h.clientId === clientId)) this.drop((h) => h.clientId === clientId, false);
  }

  private drop(pred: (h: Held) => boolean, proceeds: boolean): void {
    this.releaseWhere(pred, proceeds);
    this.onChange(this.holds(), this.enabled);
  }

  private releaseWhere(pred: (h: Held) => boolean, proceeds: boolean): void {
    const keep: Held[] = [];
    for (const h of this.held) {
      if (pred(h)) {
        if (h.timer) clearTimeout(h.timer);
        h.release(proceeds);
      } else keep.push(h);
    }
    this.held = keep;
  }
}
