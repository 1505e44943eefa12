import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desEncryptBlock } from './des.js';
import { vncAuthResponse, vncKey } from './vnc-auth.js';

const hex = (s: string) => Buffer.from(s, 'hex');

// [key, plaintext, ciphertext]. The first is the worked example of FIPS 46's classic
// walkthrough; the second a well-known all-zero result; the rest were made with OpenSSL's
// legacy provider (`openssl enc -des-ecb -nopad -provider legacy`), an independent implementation.
const KNOWN: [string, string, string][] = [
  ['133457799bbcdff1', '0123456789abcdef', '85e813540f0ab405'],
  ['0e329232ea6d0d73', '8787878787878787', '0000000000000000'],
  ['0991e9a8f3c30cde', '19d5f1c7a3e97ea7', '2c348372fd5b6948'],
  ['695577ee5365764f', '116d3c28b0e97d48', 'c7d10f0854717015'],
  ['54e0c24eff6ddee0', '088817229433f27f', 'faaf44c0318771e7'],
  ['212ba50174157010', 'd8751477c7166fde', '117ed4395cd48105'],
];

for (const [key, plain, cipher] of KNOWN) {
  test(`DES: key ${key}, block ${plain} encrypts to ${cipher}`, () => {
    assert.equal(desEncryptBlock(hex(key), hex(plain)).toString('hex'), cipher);
  });
}

test("DES ignores the key's parity bits (the low bit of each byte)", () => {
  const flipped = Buffer.from(hex('133457799bbcdff1').map((b) => b ^ 1));
  assert.equal(desEncryptBlock(flipped, hex('0123456789abcdef')).toString('hex'), '85e813540f0ab405');
});

test('DES refuses keys and blocks that are not 8 bytes', () => {
  assert.throws(() => desEncryptBlock(Buffer.alloc(7), Buffer.alloc(8)), /8-byte/);
  assert.throws(() => desEncryptBlock(Buffer.alloc(8), Buffer.alloc(9)), /8-byte/);
});

test("the VNC key is the password's first 8 bytes, NUL-padded, each byte bit-reversed", () => {
  assert.equal(vncKey('novalab1').toString('hex'), '76f66e863686468c');
  assert.equal(vncKey('ab').toString('hex'), '8646000000000000');
  assert.deepEqual(vncKey('novalab1-and-more'), vncKey('novalab1'));
});

test('the VNC response is the challenge encrypted as two DES blocks under that key', () => {
  // Expected values from OpenSSL with the bit-reversed keys above.
  assert.equal(vncAuthResponse('novalab1', hex('101112131415161718191a1b1c1d1e1f')).toString('hex'), 'e3e10896c6c7639903222cb7055fedaa');
  assert.equal(vncAuthResponse('ab', hex('f0e1d2c3b4a5968778695a4b3c2d1e0f')).toString('hex'), 'e09ef5e159c532c36db425486ea186e7');
  assert.throws(() => vncAuthResponse('ab', Buffer.alloc(8)), /16 bytes/);
});
