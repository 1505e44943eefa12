// After a build starts its guest, the instance is ACTIVE long before the guest has booted:
// watch its serial console for the lab image's login banner and report the moment it shows,
// so the walkthrough's waterfall can draw "guest process started → banner" from a real event
// instead of guessing. The fake driver prints no banner, so it reports none.

/** The lab images print this when their boot is done (see test/real/guest-image.test.ts). */
export const BANNER = /^.*novalab login:.*$/m;

// eslint-disable-next-line no-control-regex -- the escape character is the point
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]/g;

export interface BannerWatch {
  /** The last lines of the guest's console; throws once the guest is gone. */
  read: () => Promise<string>;
  /** Called once, with the banner line. */
  found: (line: string) => void;
  everyMs?: number;
  timeoutMs?: number;
}

/** Polls the console until the banner shows, the guest is gone or the time is up; returns a stop function. */
export function watchBanner(w: BannerWatch): () => void {
  const every = w.everyMs ?? 250;
  const deadline = Date.now() + (w.timeoutMs ?? 180_000);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    timer = null;
    if (stopped) return;
    let text: string;
    try {
      text = await w.read();
    } catch {
      return; // deleted, or the host stopped: no banner to wait for
    }
    if (stopped) return;
    const line = BANNER.exec(text)?.[0];
    // Without the terminal's escape sequences (an aarch64 guest's prompt carries some).
    if (line) return w.found(line.replace(ESCAPES, '').trim());
    if (Date.now() < deadline) {
      timer = setTimeout(() => void tick(), every);
      timer.unref();
    }
  };
  timer = setTimeout(() => void tick(), every);
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
