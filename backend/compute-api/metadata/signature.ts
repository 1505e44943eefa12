// The metadata service trusts only requests signed for one instance: X-Instance-ID plus
// X-Instance-ID-Signature, the hex HMAC-SHA256 of the id keyed with the lab's shared secret
// (as Nova's neutron metadata proxy signs them).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function signInstanceId(instanceId: string, secret: string): string {
  return createHmac('sha256', secret).update(instanceId).digest('hex');
}

/** Constant-time check of a signature given as hex. */
export function signatureValid(instanceId: string, signature: string, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const want = Buffer.from(signInstanceId(instanceId, secret), 'hex');
  return timingSafeEqual(want, Buffer.from(signature.toLowerCase(), 'hex'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Read the secret, creating it owner-only if missing. O_EXCL ('wx') makes concurrent workers
 * agree on one secret; a reader that meets the file between create and write retries.
 */
export async function ensureMetadataSecret(file: string): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const secret = fs.readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    if (secret.length > 0) return secret;
    await sleep(20);
  }
  throw new Error(`the metadata secret ${file} stays empty`);
}
