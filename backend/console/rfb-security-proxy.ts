// The RFB security handshake for a guest whose VNC server asks for a password: the proxy
// authenticates to the guest itself (VNC authentication, security type 2) and offers the
// browser only "None" — as Nova's RFBSecurityProxy does for VeNCrypt. The browser's
// credential is its console token, checked before this runs; the guest's password never
// leaves the proxy. RFB 3.8 on both sides (RFC 6143 §7.1–7.2); afterwards both stand right
// before ClientInit and the relay takes over.
import { ByteQueue } from './byte-queue.js';
import { vncAuthResponse } from './vnc-auth.js';

export interface HandshakeSide {
  queue: ByteQueue;
  write(b: Buffer): void;
}

export const SECURITY = { invalid: 0, none: 1, vncAuth: 2 } as const;
const VERSION_38 = 'RFB 003.008\n';

export class RfbHandshakeError extends Error {
  override readonly name = 'RfbHandshakeError';
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const withReason = (head: Buffer, reason: string) => {
  const text = Buffer.from(reason, 'utf8');
  return Buffer.concat([head, u32(text.length), text]);
};

async function readReason(side: HandshakeSide): Promise<string> {
  const len = (await side.queue.read(4)).readUInt32BE(0);
  if (len > 4096) return '(reason too long)';
  return (await side.queue.read(len)).toString('utf8');
}

/** A server version we can speak 3.8 to: "RFB 003.008" or later 3.x. */
function serverSpeaks38(version: string): boolean {
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
  return !!m && Number(m[1]) === 3 && Number(m[2]) >= 8;
}

export async function proxyVncAuth(client: HandshakeSide, server: HandshakeSide, password: string): Promise<void> {
  // Before the browser has picked a type, a failure is "0 security types" and a reason.
  const refuseEarly = (reason: string): never => {
    client.write(withReason(Buffer.from([0]), reason));
    throw new RfbHandshakeError(reason);
  };
  const serverVersion = (await server.queue.read(12)).toString('latin1');
  if (!serverSpeaks38(serverVersion))
    throw new RfbHandshakeError(`the VNC server speaks ${JSON.stringify(serverVersion.trim())}, not RFB 3.8`);
  client.write(Buffer.from(VERSION_38, 'latin1'));
  const clientVersion = (await client.queue.read(12)).toString('latin1');
  if (clientVersion !== VERSION_38) throw new RfbHandshakeError(`the browser speaks ${JSON.stringify(clientVersion.trim())}, not RFB 3.8`);
  server.write(Buffer.from(VERSION_38, 'latin1'));

  const count = (await server.queue.read(1))[0]!;
  if (count === 0) refuseEarly(`the VNC server refused the connection: ${await readReason(server)}`);
  const offered = [...(await server.queue.read(count))];
  if (!offered.includes(SECURITY.vncAuth)) refuseEarly(`the VNC server does not offer VNC authentication (offers ${offered.join(', ')})`);

  client.write(Buffer.from([1, SECURITY.none]));
  const chosen = (await client.queue.read(1))[0]!;
  if (chosen !== SECURITY.none) {
    client.write(withReason(u32(1), 'only security type None is offered'));
    throw new RfbHandshakeError(`the browser chose security type ${chosen}, not None`);
  }

  server.write(Buffer.from([SECURITY.vncAuth]));
  server.write(vncAuthResponse(password, await server.queue.read(16)));
  const result = (await server.queue.read(4)).readUInt32BE(0);
  if (result !== 0) {
    const why = await readReason(server).catch(() => '');
    client.write(withReason(u32(1), "the console proxy could not authenticate to the guest's VNC server"));
    throw new RfbHandshakeError(`the VNC server refused the password${why ? `: ${why}` : ''}`);
  }
  client.write(u32(0));
}
