// Step 13: relay a console's bytes both ways — binary WebSocket frames to the VNC server's
// stream and back — with backpressure on both sides (a slow browser pauses the reads from
// QEMU; a slow QEMU pauses the reads from the browser), no Nagle delay, and both sides
// closing together.
import net from 'node:net';
import type { WebSocket, RawData } from 'ws';

export interface RelayResult {
  toServer: number;
  toClient: number;
  /** Who ended it and why, for the log. */
  ended: string;
}

/**
 * Bytes queued towards the browser before the proxy stops reading from the VNC server. Above
 * the socket's own 16 KiB mark, so a full-screen update streams without a pause/resume per
 * chunk; small enough that a slow browser holds back QEMU within a frame or so.
 */
const CLIENT_HIGH_WATER = 1024 * 1024;

/**
 * Reads from the VNC server land in fresh buffers of this size (Node's default is 64 KiB):
 * a full-screen update takes fewer reads and goes out in fewer, larger WebSocket frames.
 */
const READ_SIZE = 256 * 1024;

/** A connection to a VNC server whose bytes are held until the relay starts taking them. */
export class VncLink {
  readonly socket: net.Socket;
  private sink: ((chunk: Buffer) => void) | null = null;
  private early: Buffer[] = [];

  constructor(opts: net.NetConnectOpts) {
    this.socket = net.connect({
      ...opts,
      onread: { buffer: () => Buffer.allocUnsafe(READ_SIZE), callback: (n, buf) => this.take((buf as Buffer).subarray(0, n)) },
    });
    this.socket.setNoDelay(true);
  }

  private take(chunk: Buffer): boolean {
    if (this.sink) this.sink(chunk);
    else this.early.push(chunk);
    return !this.socket.isPaused();
  }

  /** Deliver what was read so far, then every new chunk, to `sink`. */
  start(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    for (const c of this.early.splice(0)) sink(c);
  }

  /** Stop delivering (after a handshake read its part): `unread` and later chunks wait for
   *  the next start(). */
  hold(unread: Buffer[]): void {
    this.sink = null;
    this.early = [...unread, ...this.early];
  }
}

export function dialVnc(opts: net.NetConnectOpts, timeoutMs: number): Promise<VncLink> {
  return new Promise((resolve, reject) => {
    const link = new VncLink(opts);
    const sock = link.socket;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      sock.on('error', () => undefined); // the relay adds its own handler
      resolve(link);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const toBuffer = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

/**
 * @param clientSocket the socket under `ws` (from the upgrade), watched for 'drain'
 * @param early frames the client sent before the VNC connection was up, in order
 */
export function relay(ws: WebSocket, clientSocket: net.Socket, link: VncLink, early: Buffer[] = []): Promise<RelayResult> {
  const vnc = link.socket;
  clientSocket.setNoDelay(true);
  const result: RelayResult = { toServer: 0, toClient: 0, ended: '' };
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: string, code?: number, reason?: string) => {
      if (done) return;
      done = true;
      result.ended = why;
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code ?? 1000, reason ?? 'console closed');
      vnc.destroy();
      resolve(result);
    };

    const toServer = (data: Buffer) => {
      result.toServer += data.length;
      if (!vnc.write(data) && !ws.isPaused) {
        ws.pause();
        vnc.once('drain', () => ws.resume());
      }
    };
    for (const frame of early) toServer(frame);

    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        finish('client sent a text frame', 1003, 'binary frames only');
        return;
      }
      toServer(toBuffer(data));
    });
    link.start((chunk) => {
      if (done) return;
      result.toClient += chunk.length;
      ws.send(chunk, { binary: true });
      if (clientSocket.writableLength > CLIENT_HIGH_WATER && !vnc.isPaused()) {
        vnc.pause();
        clientSocket.once('drain', () => vnc.resume());
      }
    });
    vnc.on('end', () => finish('the VNC server closed the connection'));
    vnc.on('error', (err) => finish(`VNC connection error: ${err.message}`, 1011, 'console connection failed'));
    vnc.on('close', () => finish('the VNC connection closed'));
    ws.on('close', (code) => finish(`the browser closed the WebSocket (${code})`));
    ws.on('error', (err) => finish(`WebSocket error: ${err.message}`, 1002, 'protocol error'));
  });
}
