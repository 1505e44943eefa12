import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decoyHash, generatePassword, hashPassword, verifyPassword } from './passwords.js';

test('a hashed password verifies, a wrong one does not, and the hash hides the password', async () => {
  const stored = await hashPassword('s3cret');
  assert.match(stored, /^scrypt\$16384\$8\$1\$/);
  assert.equal(stored.includes('s3cret'), false);
  assert.equal(await verifyPassword('s3cret', stored), true);
  assert.equal(await verifyPassword('s3cret ', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('the same password hashes differently each time (random salt)', async () => {
  assert.notEqual(await hashPassword('x'), await hashPassword('x'));
});

test('a stored value that is not an scrypt hash never verifies', async () => {
  assert.equal(await verifyPassword('x', 'x'), false);
  assert.equal(await verifyPassword('x', 'md5$abc'), false);
});

test('nothing verifies against the decoy hash', async () => {
  assert.equal(await verifyPassword('', decoyHash()), false);
  assert.equal(await verifyPassword('novalab', decoyHash()), false);
});

test('refusing an unknown user costs a whole scrypt, as a wrong password does', async () => {
  // The decoy names the parameters and key length of a real hash: verifyPassword derives as much.
  const [scheme, n, r, p, salt, key] = decoyHash().split('$');
  const real = (await hashPassword('x')).split('$');
  assert.deepEqual([scheme, n, r, p], real.slice(0, 4));
  assert.equal(Buffer.from(salt!, 'base64url').length, Buffer.from(real[4]!, 'base64url').length);
  assert.equal(Buffer.from(key!, 'base64url').length, Buffer.from(real[5]!, 'base64url').length);
});

test('generated service passwords are long and URL-safe', () => {
  const p = generatePassword();
  assert.match(p, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(p, generatePassword());
});
