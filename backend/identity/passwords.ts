// Password hashing with scrypt and a random salt per password. The stored form names its own
// parameters ("scrypt$N$r$p$salt$hash"), so they can change later without breaking old rows.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS, KEY_LENGTH);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong password and for a stored value that is not one of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches: verifying against it costs what a real check costs,
 *  so an unknown user name takes as long to refuse as a wrong password. A random key under a
 *  random salt, in the stored form with our parameters: no password is derived for it (that
 *  was a whole scrypt of keystone's start-up CPU), and none derives to it. */
let decoy: string | null = null;
export function decoyHash(): string {
  decoy ??= [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    randomBytes(16).toString('base64url'),
    randomBytes(KEY_LENGTH).toString('base64url'),
  ].join('$');
  return decoy;
}

/** A password for a service user: 32 random bytes, URL-safe. */
export const generatePassword = () => randomBytes(32).toString('base64url');
