// A WebSocket server (the ws package, noServer mode) whose code loads on the first upgrade
// instead of at start: loading ws costs a process ~70 ms of CPU, paid by nova-novncproxy and
// the launcher while the whole lab starts on the same cores, and many labs never open a stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerOptions, WebSocket, WebSocketServer } from 'ws';

export interface LazyWebSocketServer {
  /** As WebSocketServer.handleUpgrade; the socket is destroyed if the server closed meanwhile. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket) => void): void;
  close(): void;
}

export function lazyWebSocketServer(options: Omit<ServerOptions, 'noServer' | 'server' | 'port'>): LazyWebSocketServer {
  let server: Promise<WebSocketServer> | null = null;
  let closed = false;
  const load = () => (server ??= import('ws').then(({ WebSocketServer: Server }) => new Server({ ...options, noServer: true })));
  return {
    handleUpgrade(req, socket, head, done) {
      // Until ws takes it, the upgraded socket is not flowing: what the client sends waits in it.
      load().then(
        (wss) => {
          if (closed || socket.destroyed) socket.destroy();
          else wss.handleUpgrade(req, socket, head, done);
        },
        () => socket.destroy(),
      );
    },
    close() {
      closed = true;
      void server?.then((wss) => wss.close());
    },
  };
}
