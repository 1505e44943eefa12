// The metadata service trusts only requests signed for one instance: X-Instance-ID plus
// X-Instance-ID-Signature, the hex HMAC-SHA256 of the id keyed with the lab's shared secret
// (as Nova's neutron metadata proxy signs them). nova-compute's forwarder signs; nova-api's
// metadata workers verify: both read this one definition.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signInstanceId(instanceId: string, secret: string): string {
  return createHmac('sha256', secret).update(instanceId).digest('hex');
}

/** Constant-time check of a signature given as hex. */
export function signatureValid(instanceId: string, signature: string, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const want = Buffer.from(signInstanceId(instanceId, secret), 'hex');
  return timingSafeEqual(want, Buffer.from(signature.toLowerCase(), 'hex'));
}

/** The secret as stored in its file; a file written with `echo` ends in a newline that is not part of it. */
export const secretText = (raw: string): string => raw.replace(/[\r\n]+$/, '');
