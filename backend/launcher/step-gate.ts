// Step mode: when on, a service announcing a boot step waits here until the learner presses
// Next (release one) or Continue (turn step mode off and release all). When off, steps pass.
import type { RequestContext } from '../../contract/events.js';
import type { StepAnnouncement } from '../rpc/lab-api.js';

export interface Hold {
  id: number;
  since: string;
  ctx: RequestContext;
  announcement: StepAnnouncement;
}

/** Steps that are reported but never held: holding a client's status poll teaches nothing. */
const NEVER_HELD = new Set(['api.poll']);

export class StepGate {
  private enabled = false;
  private nextId = 0;
  private held: { hold: Hold; release: () => void }[] = [];

  constructor(private onChange: (holds: Hold[], enabled: boolean) => void = () => undefined) {}

  get stepMode(): boolean {
    return this.enabled;
  }
  holds(): Hold[] {
    return this.held.map((h) => h.hold);
  }

  setStepMode(on: boolean): void {
    this.enabled = on;
    if (!on) this.releaseWhere(() => true);
    this.onChange(this.holds(), this.enabled);
  }

  /** Resolves when the step may proceed. */
  pass(announcement: StepAnnouncement, ctx: RequestContext): Promise<void> {
    if (!this.enabled || NEVER_HELD.has(announcement.step)) return Promise.resolve();
    return new Promise((release) => {
      const hold: Hold = { id: ++this.nextId, since: new Date().toISOString(), ctx, announcement };
      this.held.push({ hold, release });
      this.onChange(this.holds(), this.enabled);
    });
  }

  /** Next: release the oldest hold (of one request, if given). Returns the released hold. */
  next(requestId?: string): Hold | null {
    const i = this.held.findIndex((h) => !requestId || h.hold.ctx.request_id === requestId);
    if (i < 0) return null;
    const [h] = this.held.splice(i, 1);
    h!.release();
    this.onChange(this.holds(), this.enabled);
    return h!.hold;
  }

  private releaseWhere(pred: (h: Hold) => boolean): void {
    const keep: typeof this.held = [];
    for (const h of this.held) {
      if (pred(h.hold)) h.release();
      else keep.push(h);
    }
    this.held = keep;
  }
}
