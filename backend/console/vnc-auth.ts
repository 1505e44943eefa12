// VNC authentication (RFB security type 2, RFC 6143 §7.2.2): the server sends 16 random
// bytes, the client answers them DES-encrypted (two ECB blocks) under the password. The key
// is the password's first 8 bytes, NUL-padded, each byte bit-reversed — the historical quirk
// of the original VNC code that every server (QEMU included) keeps.
import { desEncryptBlock } from './des.js';

/** Only the first 8 bytes of a VNC password count. */
export const VNC_PASSWORD_BYTES = 8;

const reverseBits = (b: number): number => {
  let r = 0;
  for (let i = 0; i < 8; i++) r = (r << 1) | ((b >> i) & 1);
  return r;
};

export function vncKey(password: string): Buffer {
  const key = Buffer.alloc(VNC_PASSWORD_BYTES);
  Buffer.from(password, 'utf8').copy(key, 0, 0, VNC_PASSWORD_BYTES);
  return Buffer.from(key.map(reverseBits));
}

export function vncAuthResponse(password: string, challenge: Uint8Array): Buffer {
  if (challenge.length !== 16) throw new Error(`a VNC challenge is 16 bytes, got ${challenge.length}`);
  const key = vncKey(password);
  return Buffer.concat([desEncryptBlock(key, challenge.subarray(0, 8)), desEncryptBlock(key, challenge.subarray(8, 16))]);
}
