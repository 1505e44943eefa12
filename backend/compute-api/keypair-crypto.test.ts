import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateRsaKeyPair, sshFingerprint } from './keypair-crypto.js';

test('a generated key pair is a PEM RSA private key with its ssh-rsa public key and MD5 fingerprint', async () => {
  const k = await generateRsaKeyPair();
  assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  assert.match(k.publicKey, /^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ Generated-by-Nova$/);
  assert.match(k.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  const fromPrivate = createPublicKey(createPrivateKey(k.privateKey)).export({ format: 'jwk' });
  const sshBlob = Buffer.from(k.publicKey.split(' ')[1]!, 'base64');
  const nLen = sshBlob.readUInt32BE(11 + 4 + sshBlob.readUInt32BE(11));
  assert.ok(nLen >= 256, 'a 2048-bit modulus');
  assert.ok(fromPrivate.n);
});

test('the fingerprint matches ssh-keygen -E md5 when ssh-keygen is installed', async (t) => {
  let hasKeygen = true;
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (e) {
    hasKeygen = (e as { status?: number }).status !== undefined && (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (!hasKeygen) {
    t.skip('ssh-keygen is not installed');
    return;
  }
  const k = await generateRsaKeyPair();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kp-'));
  try {
    fs.writeFileSync(path.join(dir, 'k.pub'), k.publicKey + '\n');
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', path.join(dir, 'k.pub')]).toString();
    assert.ok(out.includes(`MD5:${k.fingerprint}`), out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an imported key that is not an OpenSSH public key has no fingerprint', () => {
  assert.equal(sshFingerprint('not a key'), null);
  assert.equal(sshFingerprint('ssh-rsa !!!notbase64'), null);
  assert.equal(sshFingerprint('ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB'), null, 'the blob names another type');
});
