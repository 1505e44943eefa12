// Number formatting for the reasons a learner reads: ratios as Nova prints floats
// ("2.0", "1.5"), quantities without float noise ("1536", "0.5").

/** A float the way Python prints it: 2 → "2.0", 1.5 → "1.5". */
export function ratio(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : trim(n);
}

/** A quantity: integers as they are, fractions to at most two decimals. */
export function qty(n: number): string {
  return Number.isInteger(n) ? String(n) : trim(n);
}

function trim(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** "host-a, host-b" — a list as one phrase, or "(none)". */
export function list(items: readonly string[]): string {
  return items.length ? items.join(', ') : '(none)';
}
