// A minimal RFB 3.8 client for tests and the bench: enough to prove a VNC server is really at
// the other end of a connection (version, security type None, ClientInit, ServerInit) and to
// request and read framebuffer updates. Works over a TCP/unix socket or a WebSocket.
import net from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { ByteQueue } from '../byte-queue.js';

export { ByteQueue };

export interface RfbConn {
  queue: ByteQueue;
  write(b: Buffer): void;
  close(): void;
}

export function rfbOverSocket(sock: net.Socket): RfbConn {
  const queue = new ByteQueue();
  sock.setNoDelay(true);
  sock.on('data', (b: Buffer) => queue.push(b));
  sock.on('error', (e) => queue.fail(e));
  sock.on('close', () => queue.fail(new Error('connection closed')));
  return {
    queue,
    write: (b) => {
      sock.write(b);
    },
    close: () => {
      sock.destroy();
    },
  };
}

export function rfbOverWebSocket(ws: WebSocket): RfbConn {
  const queue = new ByteQueue();
  ws.on('message', (d: RawData) => queue.push(Buffer.isBuffer(d) ? d : Buffer.concat(Array.isArray(d) ? d : [Buffer.from(d)])));
  ws.on('close', (code, reason) => queue.fail(new Error(`WebSocket closed ${code} ${reason.toString()}`)));
  ws.on('error', (e) => queue.fail(e));
  return {
    queue,
    write: (b) => {
      ws.send(b, { binary: true });
    },
    close: () => {
      ws.close();
    },
  };
}

export function connectSocket(opts: net.NetConnectOpts): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(opts);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

export interface WsOpenOptions {
  origin?: string;
  protocols?: string[];
}

/** Open a WebSocket; rejects with `.status` set when the server answers the upgrade with HTTP. */
export function openWebSocket(url: string, opts: WsOpenOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? ['binary'], { origin: opts.origin, perMessageDeflate: false });
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      const err = Object.assign(new Error(`HTTP ${res.statusCode} instead of a WebSocket`), { status: res.statusCode });
      res.resume();
      ws.terminate();
      reject(err);
    });
    ws.once('error', reject);
  });
}

/** The close code and reason a WebSocket ends with. */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.reject(new Error('already closed'));
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

export interface ServerInit {
  version: string;
  width: number;
  height: number;
  bitsPerPixel: number;
  name: string;
}

export async function rfbHandshake(c: RfbConn): Promise<ServerInit> {
  const version = (await c.queue.read(12)).toString('latin1');
  if (!/^RFB \d{3}\.\d{3}\n$/.test(version)) throw new Error(`not an RFB server: ${JSON.stringify(version)}`);
  c.write(Buffer.from('RFB 003.008\n', 'latin1'));
  const n = (await c.queue.read(1))[0]!;
  if (n === 0) {
    const len = (await c.queue.read(4)).readUInt32BE(0);
    throw new Error(`server refused: ${(await c.queue.read(len)).toString()}`);
  }
  const types = [...(await c.queue.read(n))];
  if (!types.includes(1)) throw new Error(`security type None not offered (offered ${types.join(',')})`);
  c.write(Buffer.from([1]));
  const result = (await c.queue.read(4)).readUInt32BE(0);
  if (result !== 0) throw new Error(`SecurityResult ${result}`);
  c.write(Buffer.from([1])); // ClientInit: shared
  const head = await c.queue.read(24);
  const nameLen = head.readUInt32BE(20);
  const name = (await c.queue.read(nameLen)).toString('utf8');
  return { version: version.trim(), width: head.readUInt16BE(0), height: head.readUInt16BE(2), bitsPerPixel: head[4]!, name };
}

export const ENCODING = { raw: 0, desktopSize: -223, extKeyEvent: -258, pointerTypeChange: -257, ledState: -261 } as const;

export function setEncodings(c: RfbConn, encodings: number[]): void {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b[0] = 2;
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  c.write(b);
}

export function requestUpdate(c: RfbConn, incremental: boolean, x: number, y: number, w: number, h: number): void {
  const b = Buffer.alloc(10);
  b[0] = 3;
  b[1] = incremental ? 1 : 0;
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(w, 6);
  b.writeUInt16BE(h, 8);
  c.write(b);
}

export interface ServerMessage {
  type: number;
  bytes: number;
  encodings: number[];
  width?: number;
  height?: number;
}

/** Read one server message (Raw and the usual pseudo-encodings only). */
export async function readServerMessage(c: RfbConn, bitsPerPixel: number): Promise<ServerMessage> {
  const type = (await c.queue.read(1))[0]!;
  const bpp = bitsPerPixel / 8;
  if (type === 0) {
    const n = (await c.queue.read(3)).readUInt16BE(1);
    let bytes = 4;
    const encodings: number[] = [];
    let width: number | undefined;
    let height: number | undefined;
    for (let i = 0; i < n; i++) {
      const r = await c.queue.read(12);
      const w = r.readUInt16BE(4);
      const h = r.readUInt16BE(6);
      const enc = r.readInt32BE(8);
      encodings.push(enc);
      bytes += 12;
      let body = 0;
      if (enc === ENCODING.raw) body = w * h * bpp;
      else if (enc === ENCODING.ledState) body = 1;
      else if (enc === ENCODING.desktopSize) {
        width = w;
        height = h;
      } else if (enc !== ENCODING.extKeyEvent && enc !== ENCODING.pointerTypeChange) throw new Error(`unexpected encoding ${enc}`);
      if (body) await c.queue.read(body);
      bytes += body;
    }
    return { type, bytes, encodings, width, height };
  }
  if (type === 2) return { type, bytes: 1, encodings: [] }; // Bell
  if (type === 3) {
    const len = (await c.queue.read(7)).readUInt32BE(3);
    await c.queue.read(len);
    return { type, bytes: 8 + len, encodings: [] };
  }
  throw new Error(`unexpected server message type ${type}`);
}
