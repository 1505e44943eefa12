// Pure: when the supervisor tries a dead service again. A service that ran for a while and
// died is tried again at once (a one-off crash); one that keeps failing is tried again after
// a delay that doubles up to a cap, for as long as the lab runs — the cause (a full disk, a
// port taken by another program) may go away at any time, and nobody should have to restart
// the lab for the service to come back.

export interface RestartPolicy {
  /** Delay before the first try after a crash of a service that had been running stably. */
  firstMs: number;
  /** Delay after the second failure in a row; doubles with each further failure. */
  baseMs: number;
  /** The longest wait between two tries. */
  maxMs: number;
  /** Running this long after ready counts as stable: the next crash starts the count again. */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstMs: 250,
  baseMs: 1_000,
  maxMs: 30_000,
  stableMs: 30_000,
};

/**
 * Failures in a row after this death: a crash after a stable run is the first; a death before
 * ready (a failed try) or soon after it adds one to the count so far.
 */
export function failuresInARow(previous: number, ranStablyMs: number | null, p: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return ranStablyMs !== null && ranStablyMs >= p.stableMs ? 1 : previous + 1;
}

/** How long to wait before the next try, given the failures in a row (1 = the first). */
export function restartDelayMs(failures: number, p: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  if (failures <= 1) return p.firstMs;
  // 2 → base, 3 → 2·base, … capped; the exponent is bounded so a long outage cannot overflow.
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.min(failures - 2, 30));
}
