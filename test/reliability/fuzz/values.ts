// Hostile values for the fuzzer: what a careless learner or an attacker sends — wrong types,
// huge and negative numbers, unicode and NUL, malformed percent-escapes, deep nesting,
// prototype keys, malformed JSON text. Everything here is a pure function of the Rng.
import type { Rng } from './rng.js';

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\t\r\n',
  '\r\nX-Injected: 1',
  '\uFFFF',
  '\uFEFF',
  '\uD800',
  '\uDC00x',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '🙂🙃',
  '\u202Eevil',
  'Ω≈ç√∫',
  '名字',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '"',
  '\\',
  '\\u0000',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '/etc/shadow',
  'file:///etc/passwd',
  '%',
  '%%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2e%2e%2f',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'true',
  'false',
  'None',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  '999999999999999999999999',
  'admin',
  'default',
  'RegionOne',
  'ACTIVE',
  'm1.tiny',
  'public',
  'private',
  'qcow2',
  'raw',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  1.5,
  -1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  2 ** 64,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  5e-324,
  0.1,
];

/** Number tokens JSON.stringify cannot write: parsed as ±Infinity, or invalid JSON. */
export const RAW_NUMBER_TOKENS: readonly string[] = [
  '1e999',
  '-1e999',
  '1E400',
  '00',
  '01',
  '-',
  '.5',
  '5.',
  '+1',
  '0x1F',
  'NaN',
  'Infinity',
  '1_000',
];

export function hostileString(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return rng.pick(HOSTILE_STRINGS).repeat(rng.chance(0.1) ? rng.int(2, 300) : 1);
    case 1:
      return 'x'.repeat(rng.pick([255, 256, 1024, 4097, 65536]));
    case 2:
      return String.fromCharCode(...Array.from({ length: rng.int(1, 40) }, () => rng.int(0, 0xffff)));
    case 3:
      return String(rng.pick(HOSTILE_NUMBERS));
    case 4:
      return `${rng.pick(HOSTILE_STRINGS)}${rng.pick(HOSTILE_STRINGS)}`;
    case 5:
      return uuidLike(rng);
    default:
      return rng.pick(HOSTILE_STRINGS);
  }
}

export function uuidLike(rng: Rng): string {
  const hex = () => rng.int(0, 15).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-${rng.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
}

/** Nested arrays/objects `depth` levels deep around a leaf. */
export function nested(rng: Rng, depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = rng.chance(0.5) ? [v] : { [rng.pick(['a', 'server', 'auth', 'image', '__proto__'])]: v };
  return v;
}

/** Any JSON value, biased to the hostile. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  const kind = rng.weighted<string>([
    [4, 'string'],
    [3, 'number'],
    [1, 'bool'],
    [1, 'null'],
    [depth < 3 ? 2 : 0, 'array'],
    [depth < 3 ? 2 : 0, 'object'],
    [0.5, 'deep'],
    [0.3, 'wide'],
  ]);
  switch (kind) {
    case 'string':
      return hostileString(rng);
    case 'number':
      return rng.pick(HOSTILE_NUMBERS);
    case 'bool':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: rng.int(0, 4) }, () => hostileValue(rng, depth + 1));
    case 'object':
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 4) }, () => [
          rng.chance(0.3) ? rng.pick(HOSTILE_STRINGS) : `k${rng.int(0, 9)}`,
          hostileValue(rng, depth + 1),
        ]),
      );
    case 'deep':
      return nested(rng, rng.pick([10, 31, 33, 64, 100])); // deeper ones are written as text (deepJsonText)
    default:
      return Object.fromEntries(Array.from({ length: rng.pick([300, 3000]) }, (_, i) => [`f${i}`, i]));
  }
}

/** A template body with one hostile change: a field's type, an unknown field, a field gone, a wrapper. */
export function mutate(rng: Rng, body: unknown): unknown {
  if (body === null || typeof body !== 'object') return hostileValue(rng);
  const copy = structuredClone(body) as Record<string, unknown>;
  // Walk down to a random object inside the template.
  let target: Record<string, unknown> = copy;
  for (let i = 0; i < 4; i++) {
    const objects = Object.values(target).filter(
      (v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v),
    );
    if (!objects.length || rng.chance(0.35)) break;
    target = rng.pick(objects);
  }
  const keys = Object.keys(target);
  switch (rng.int(0, 5)) {
    case 0:
      if (keys.length) target[rng.pick(keys)] = hostileValue(rng);
      else target.x = hostileValue(rng);
      break;
    case 1:
      target[rng.chance(0.5) ? hostileString(rng).slice(0, 40) : `unknown_${rng.int(0, 99)}`] = hostileValue(rng);
      break;
    case 2:
      if (keys.length) {
        delete target[rng.pick(keys)];
        break;
      }
      target.x = null;
      break;
    case 3:
      if (keys.length) {
        const k = rng.pick(keys);
        target[k] = [target[k]];
      }
      break;
    case 4:
      if (keys.length) {
        target[rng.pick(keys)] = rng.pick(HOSTILE_NUMBERS);
      }
      break;
    default:
      return rng.chance(0.5) ? [copy] : { [rng.pick(keys.length ? keys : ['x'])]: copy };
  }
  return copy;
}

/** JSON nested `depth` levels, written as text (a value that deep would overflow JSON.stringify here). */
export function deepJsonText(rng: Rng, depth: number): string {
  const arrays = rng.chance(0.5);
  const open = arrays ? '[' : '{"a":';
  const close = arrays ? ']' : '}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** Bytes that are not valid JSON (or not JSON at all). */
export function malformedJson(rng: Rng, valid: string): Buffer {
  switch (rng.int(0, 9)) {
    case 0:
      return Buffer.from(valid.slice(0, rng.int(0, Math.max(0, valid.length - 1))));
    case 1:
      return Buffer.from(valid.replace(/"/g, "'"));
    case 2:
      return Buffer.from(valid.replace(/}$/, ',}'));
    case 3:
      return Buffer.from(`${valid}${valid}`);
    case 4:
      return Buffer.from(`\uFEFF${valid}`);
    case 5:
      return Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    case 6:
      return Buffer.from(`{"a": ${rng.pick(RAW_NUMBER_TOKENS)}}`);
    case 7:
      return Buffer.from(`/* c */ ${valid}`);
    case 8:
      return Buffer.from(
        rng.pick(['{"__proto__":{"is_admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(50000), '{"a":'.repeat(3000)]),
      );
    default:
      return Buffer.from(Array.from({ length: rng.int(1, 200) }, () => rng.int(0, 255)));
  }
}

/** A path segment: an id-like value, hostile text percent-encoded, or raw (malformed escapes included). */
export function pathSegment(rng: Rng, real: readonly string[]): string {
  switch (rng.int(0, 7)) {
    case 0:
    case 1:
      return real.length ? rng.pick(real) : uuidLike(rng);
    case 2:
      return uuidLike(rng);
    case 3:
      return encodePathBytes(hostileString(rng));
    case 4:
      return rng.pick(['%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%2e%2e', '..', '.', '', '%25', '%u0041', '%ff%fe']);
    case 5:
      return String(rng.pick(HOSTILE_NUMBERS));
    case 6:
      return 'x'.repeat(rng.pick([256, 2048, 9000]));
    default:
      return encodePathBytes(rng.pick(HOSTILE_STRINGS));
  }
}

/**
 * Text as Node's HTTP client accepts it in a request target (bytes 0x21–0xff): UTF-8 bytes
 * above 0x7e stay raw about half the time (as latin1), the rest is percent-encoded.
 */
export function encodePathBytes(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte > 0x20 && byte < 0x7f && byte !== 0x3f && byte !== 0x23 && byte !== 0x2f) out += String.fromCharCode(byte);
    else if (byte >= 0x80 && byte & 1) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query string of hostile keys and values (repeated keys, bracket keys, malformed escapes). */
export function hostileQuery(rng: Rng, known: readonly string[]): string {
  const n = rng.int(1, 5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key =
      rng.chance(0.6) && known.length
        ? rng.pick(known)
        : rng.pick([encodePathBytes(hostileString(rng)), 'a[b][c][d][e][f][g]', 'a[]', 'a[999999]', '__proto__[x]', '%', '']);
    const value = rng.weighted<string>([
      [3, encodePathBytes(hostileString(rng))],
      [1, String(rng.pick(HOSTILE_NUMBERS))],
      [1, rng.pick(['%', '%zz', '%E0%A4%A', ''])],
      [0.3, 'v'.repeat(5000)],
    ]);
    parts.push(rng.chance(0.1) ? key : `${key}=${value}`);
  }
  return parts.join(rng.chance(0.1) ? ';' : '&');
}
