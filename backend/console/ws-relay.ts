// Step 13: relay a console's bytes both ways — binary WebSocket frames to the VNC server's
// stream and back — with backpressure on both sides (a slow browser pauses the reads from
// QEMU; a slow QEMU pauses the reads from the browser), no Nagle delay, and both sides
// closing together.
import type net from 'node:net';
import type { WebSocket, RawData } from 'ws';

export interface RelayResult {
  toServer: number;
  toClient: number;
  /** Who ended it and why, for the log. */
  ended: string;
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * @param clientSocket the socket under `ws` (from the upgrade), watched for 'drain'
 * @param early frames the client sent before the VNC connection was up, in order
 */
export function relay(ws: WebSocket, clientSocket: net.Socket, vnc: net.Socket, early: Buffer[] = []): Promise<RelayResult> {
  vnc.setNoDelay(true);
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
      if (!isBinary) { finish('client sent a text frame', 1003, 'binary frames only'); return; }
      toServer(toBuffer(data));
    });
    vnc.on('data', (chunk: Buffer) => {
      result.toClient += chunk.length;
      ws.send(chunk, { binary: true });
      if (clientSocket.writableNeedDrain && !vnc.isPaused()) {
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
