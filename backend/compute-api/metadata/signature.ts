// The metadata secret file, shared by the metadata workers and nova-compute's forwarder.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { secretText } from '../../shared/metadata-signature.js';

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
    const secret = secretText(fs.readFileSync(file, 'utf8'));
    if (secret.length > 0) return secret;
    await sleep(20);
  }
  throw new Error(`the metadata secret ${file} stays empty`);
}
