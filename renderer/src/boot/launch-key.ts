// A launch's provisional address, used only until Nova answers its POST with the instance id
// (in step mode that may take minutes). Random, so two tabs or two sessions never make the same
// one; a page never keeps it once the id is known (the walkthrough swaps in the id).
const PREFIX = 'launch-';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const newLaunchKey = (): string => `${PREFIX}${randomUuid()}`;

/** A provisional launch address (not an instance id). */
export const isLaunchKey = (s: string): boolean => s.startsWith(PREFIX) && UUID_RE.test(s.slice(PREFIX.length));
