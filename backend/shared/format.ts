// Number formatting for the reasons a learner reads: ratios as Nova prints floats
// ("2.0", "1.5"), quantities without float noise ("1536", "0.5").

const ratios = new Map<number, string>();

/** A float the way Python prints it: 2 → "2.0", 1.5 → "1.5". (A fleet has few ratios: memoised.) */
export function ratio(n: number): string {
  let text = ratios.get(n);
  if (text === undefined) {
    text = Number.isInteger(n) ? n.toFixed(1) : trim(n);
    if (ratios.size > 256) ratios.clear();
    ratios.set(n, text);
  }
  return text;
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
