// Numbers read from text the way Python's int() and float() read them (Nova casts flavor
// extra specs and aggregate metadata so): strict, unlike Number() ("" and "0x10" are not
// numbers). NaN where Python raises ValueError.

const FLOAT = /^\s*[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?\s*$/;
const SPECIAL = /^\s*([+-]?)(inf|infinity|nan)\s*$/i;
const INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Python's float(str). NaN if invalid. */
export function pyFloat(s: string | undefined): number {
  if (s === undefined) return NaN;
  if (FLOAT.test(s)) return Number(s.replace(/_/g, ''));
  const m = SPECIAL.exec(s);
  if (!m) return NaN;
  if (m[2]!.toLowerCase() === 'nan') return NaN; // group 2 is not optional
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Python's int(str). NaN if invalid ("2.5" is not an int). */
export function pyInt(s: string): number {
  return INT.test(s) ? Number(s.replace(/_/g, '')) : NaN;
}
