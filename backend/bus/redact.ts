// Secrets never enter a lab event. The bus carries them between services (a console token from
// nova-consoleauth to nova-api, an instance's user_data to nova-compute) as RabbitMQ would,
// but the event a learner reads of that message shows "***" in their place. Pure: applied by
// the broker to every event it emits, and by the launcher to step-mode holds.
import type { LabEvent } from '../../contract/events.js';

export const REDACTED = '***';

/**
 * Field names whose values are secrets, after lower-casing and dropping everything but
 * letters and digits ("X-Auth-Token" → "xauthtoken", "OS-EXT-SRV-ATTR:user_data" →
 * "osextsrvattruserdata"). A console or keystone token, a password in any spelling, user data,
 * a generated key pair's private half, a shared secret, the metadata proxy's signature.
 */
export function isSecretKey(key: string): boolean {
  const n = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    n.endsWith('token') ||
    n === 'tokens' ||
    n.includes('password') ||
    n.includes('passwd') ||
    n.endsWith('pass') ||
    n === 'passphrase' ||
    n.endsWith('userdata') ||
    n.includes('privatekey') ||
    n.includes('secret') ||
    n.endsWith('signature') ||
    n === 'authorization' ||
    n === 'cookie' ||
    n === 'setcookie'
  );
}

/** Tokens inside text: a console URL's ?token= (also percent-encoded inside noVNC's ?path=) and auth headers. */
const TEXT_SECRETS: RegExp[] = [
  /(token(?:=|%3D|%253D))[^&#\s"'%;,)]+/gi,
  /(x-(?:auth|subject|service)-token["']?\s*[:=]\s*["']?)[^\s"',;)]+/gi,
];

export function redactText(text: string): string {
  let out = text;
  for (const re of TEXT_SECRETS) out = out.replace(re, `$1${REDACTED}`);
  return out;
}

/** A deep copy of `value` with every secret field and every token in text replaced. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64) return REDACTED; // deeper than any real message: nothing is shown rather than something missed
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out;
}

/**
 * RPC arguments that are secrets by position (a bare string has no field name to go by):
 * topic.method → indexes into `args`.
 */
export const SECRET_RPC_ARGS: Record<string, number[]> = {
  'consoleauth.check_token': [0],
};

function redactArgs(topic: string | undefined, method: string | undefined, detail: unknown): unknown {
  const positions = SECRET_RPC_ARGS[`${topic}.${method}`];
  if (!positions || !Array.isArray(detail)) return detail;
  return detail.map((a, i) => (positions.includes(i) && a !== null && a !== undefined ? REDACTED : a));
}

/** The event as it may be logged and shown: the same event with its secrets replaced. */
export function redactEvent<E extends Omit<LabEvent, 'seq' | 'ts'>>(e: E): E {
  const detail = e.kind === 'rpc.call' || e.kind === 'rpc.cast' ? redactArgs(e.topic, e.method, e.detail) : e.detail;
  return { ...e, summary: redactText(e.summary), detail: redactSecrets(detail) };
}
