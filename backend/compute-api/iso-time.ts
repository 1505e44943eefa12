// ISO 8601 times as Nova's query schemas accept them ("date-time": oslo's parse_isotime, the
// iso8601 library): a year, then optionally month, day, a time after 'T' or ' ', and a zone.
// No zone means UTC. Pure; table-tested.

const ISO = new RegExp(
  '^(\\d{4})(?:-?(\\d{1,2})(?:-?(\\d{1,2})' +
    '(?:[T ](\\d{2})(?::?(\\d{2})(?::?(\\d{1,2})(?:[.,](\\d+))?)?)?' +
    '(Z|([-+])(\\d{2}):?(\\d{2})?)?)?)?)?$',
);

/** Milliseconds since the epoch, or null when `text` is not an ISO 8601 time. */
export function parseIsoTime(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const n = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));
  const [year, month, day] = [n(m[1], 0), n(m[2], 1), n(m[3], 1)];
  const [hour, minute, second] = [n(m[4], 0), n(m[5], 0), n(m[6], 0)];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  let offset = 0;
  if (m[8] && m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = n(m[11], 0);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, ms);
  return t.getTime() - offset;
}
