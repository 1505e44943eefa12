// Key pairs as Nova makes them: server-side RSA generation (PEM private key, OpenSSH public
// key) and the MD5 fingerprint in colon-separated hex.
import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** SSH wire format: a uint32 length, then the bytes. */
function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

/** An mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(b64url: string): Buffer {
  let b = Buffer.from(b64url, 'base64url');
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

export function opensshPublicKey(pub: KeyObject, comment: string): string {
  const jwk = pub.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

/** Nova's fingerprint of an OpenSSH public key line, or null when it is not one. */
export function sshFingerprint(publicKey: string): string | null {
  const parts = publicKey.trim().split(/\s+/);
  const KNOWN =
    /^(ssh-rsa|ssh-dss|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
  if (parts.length < 2 || !KNOWN.test(parts[0]!)) return null;
  const blob = Buffer.from(parts[1]!, 'base64');
  if (blob.length < 8 || blob.toString('base64').replace(/=+$/, '') !== parts[1]!.replace(/=+$/, '')) return null;
  const typeLen = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + typeLen).toString() !== parts[0]) return null;
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

export interface GeneratedKey {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

export async function generateRsaKeyPair(comment = 'Generated-by-Nova'): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const pub = opensshPublicKey(publicKey, comment);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  return { privateKey: pem, publicKey: pub, fingerprint: sshFingerprint(pub)! };
}
