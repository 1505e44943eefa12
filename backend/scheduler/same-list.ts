// A tiny memo helper: configured lists (filters, weighers, metric settings) are read on every
// decision; comparing them to the last one seen is cheaper than re-resolving them, and
// unlike an identity check it is not fooled by a list edited in place.

/** Same length and the same items in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
