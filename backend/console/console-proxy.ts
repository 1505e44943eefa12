// Steps 10–13 of the course's console flow, for one WebSocket: the browser connects
// (proxy.connect), the proxy asks nova-consoleauth about the token (proxy.check_token →
// consoleauth.validated), then dials the address the token names and relays (proxy.relay).
// A foreign Origin never gets a WebSocket (HTTP 403); a bad token gets one that closes at
// once without a status, as Nova's proxy drops it (clients such as Tempest read any close
// payload as data the proxy should not have sent); the page names the empty close (1005). A guest on TCP asks for a VNC password: the proxy
// answers it itself and the browser sees security type None (rfb-security-proxy). Nothing
// here logs or publishes a token or a password: sessions are named by a request id and a
// hash tag of the token.
import type net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { lazyWebSocketServer } from '../common/http/lazy-websocket.js';
import type { RequestContext } from '../../contract/events.js';
import type { ConsoleStepId } from '../../contract/boot-steps.js';
import type { PublishedEvent } from '../bus/wire.js';
import type { Logger } from '../common/log.js';
import type { ConsoleAuthorization } from '../rpc/consoleauth-api.js';
import { publicConnectInfo } from '../rpc/compute-api.js';
import { ByteQueue } from './byte-queue.js';
import { proxyVncAuth, RfbHandshakeError } from './rfb-security-proxy.js';
import { checkOrigin, type OriginPolicy } from './origin-check.js';
import { checkTarget, tokenFromUrl } from './console-request.js';
import { tokenTag } from './token-store.js';
import { dialVnc, relay, type VncLink } from './ws-relay.js';
import { msg, summaryOf, type LabMessage } from '../../contract/messages.js';

export const CLOSE = {
  /** A missing, unknown or expired token: a close frame with no status (received as 1005). */
  invalidToken: null,
  targetNotAllowed: 4002,
  originNotAllowed: 4003,
  unreachable: 4004,
  guestAuthFailed: 4005,
  consoleauthUnavailable: 1011,
} as const;

export interface ConsoleProxyDeps {
  checkToken(token: string, ctx: RequestContext): Promise<ConsoleAuthorization | null>;
  originPolicy: OriginPolicy;
  proxyclientAddress: string;
  publish(e: PublishedEvent): void;
  log: Logger;
  /** How long to wait for the VNC server to accept, in ms. */
  connectTimeoutMs?: number;
  /** How long the RFB security handshake with a password-protected guest may take, in ms. */
  handshakeTimeoutMs?: number;
}

export interface ConsoleProxy {
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sessions relaying now. */
  readonly active: number;
  close(): void;
}

const MAX_CLIENT_MESSAGE = 4 * 1024 * 1024;

function refuseHttp(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `${text}: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** A WebSocket close reason is at most 123 bytes. */
const closeReason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString('utf8') + '...');

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);

/** Runs the VNC-authentication handshake between the browser's bytes (`fromClient`) and the
 *  guest's; on return the guest's unread bytes wait in `link` for the relay. */
async function authenticateToGuest(
  ws: WebSocket,
  fromClient: ByteQueue,
  link: VncLink,
  password: string,
  timeoutMs: number,
): Promise<void> {
  const fromServer = new ByteQueue();
  const gone = () => fromServer.fail(new RfbHandshakeError('the VNC server closed the connection'));
  link.socket.on('close', gone);
  link.start((chunk) => fromServer.push(chunk));
  const timer = setTimeout(() => {
    const late = new RfbHandshakeError(`no RFB handshake within ${timeoutMs} ms`);
    fromServer.fail(late);
    fromClient.fail(late);
  }, timeoutMs);
  try {
    await proxyVncAuth(
      { queue: fromClient, write: (b) => ws.send(b, { binary: true }) },
      {
        queue: fromServer,
        write: (b) => {
          link.socket.write(b);
        },
      },
      password,
    );
  } finally {
    clearTimeout(timer);
    link.socket.off('close', gone);
    link.hold(fromServer.drain());
  }
}

export function consoleProxy(deps: ConsoleProxyDeps): ConsoleProxy {
  const wss = lazyWebSocketServer({
    maxPayload: MAX_CLIENT_MESSAGE,
    perMessageDeflate: false,
    // noVNC ≥ 1.x sends no subprotocol; older clients offer "binary" (and "base64", not supported).
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  const sessions = new Set<WebSocket>();
  const step = (step: ConsoleStepId, ctx: RequestContext, said: LabMessage, detail: unknown) =>
    deps.publish({ kind: 'step', step, ...summaryOf(said), detail, ctx });

  async function session(ws: WebSocket, socket: net.Socket, token: string | null, ctx: RequestContext, peer: string): Promise<void> {
    // What the browser sends before the relay starts: the handshake reads it, the relay gets the rest.
    const fromClient = new ByteQueue();
    const onEarly = (data: RawData, isBinary: boolean) => {
      if (!isBinary) ws.close(1003, 'binary frames only');
      else fromClient.push(toBuffer(data));
    };
    ws.on('message', onEarly);
    ws.once('close', () => fromClient.fail(new RfbHandshakeError('the browser closed the WebSocket')));
    // A malformed or oversized frame before the relay starts: ws closes the socket itself
    // (1002/1009); an 'error' event nobody listens to would stop nova-novncproxy.
    const onEarlyError = (err: Error) => {
      deps.log.warn(`console session ${ctx.request_id}: ${err.message}`);
      ws.terminate();
    };
    ws.on('error', onEarlyError);
    const tag = token ? tokenTag(token) : 'none';
    const refuse = (code: number | null, reason: string) => {
      deps.log.warn(`console session ${ctx.request_id} from ${peer} refused: ${reason} (key ${tag})`);
      if (code !== null) return ws.close(code, closeReason(reason));
      ws.close();
      // A client that never answers the close (Tempest's) is not waited on for ws's 30 s.
      setTimeout(() => ws.terminate(), 1000).unref();
    };
    step('proxy.connect', ctx, msg('console.proxyConnect', { peer }), { peer, key: tag });
    if (!token) return refuse(CLOSE.invalidToken, 'missing token');

    step('proxy.check_token', ctx, msg('console.proxyCheckToken', { key: tag }), { key: tag });
    let auth: ConsoleAuthorization | null;
    try {
      auth = await deps.checkToken(token, ctx);
    } catch (err) {
      deps.log.error(`console session ${ctx.request_id}: nova-consoleauth did not answer: ${(err as Error).message}`);
      ws.close(CLOSE.consoleauthUnavailable, 'consoleauth unavailable');
      return;
    }
    if (!auth) return refuse(CLOSE.invalidToken, 'invalid token');
    // From here the session is the instance's project's: its members see the relay step.
    const sctx: RequestContext = { ...ctx, instance_uuid: auth.instance_uuid, ...(auth.project_id ? { project_id: auth.project_id } : {}) };
    const target = checkTarget(auth.connect_info, deps.proxyclientAddress);
    if (!target.ok) return refuse(CLOSE.targetNotAllowed, target.reason);

    const vnc = await dialVnc(target.connect, deps.connectTimeoutMs ?? 5000).catch((err: Error) => err);
    if (vnc instanceof Error) {
      deps.log.warn(`console session ${ctx.request_id} for ${auth.instance_uuid}: cannot reach the VNC server: ${vnc.message}`);
      ws.close(CLOSE.unreachable, 'console unreachable: is the instance running?');
      return;
    }
    if (ws.readyState !== ws.OPEN) {
      vnc.socket.destroy();
      return;
    }
    const info = auth.connect_info;
    const password = info.kind === 'tcp' ? info.password : undefined;
    if (password !== undefined) {
      const failed = await authenticateToGuest(ws, fromClient, vnc, password, deps.handshakeTimeoutMs ?? 30_000).then(
        () => null,
        (err: Error) => err,
      );
      if (failed) {
        deps.log.warn(`console session ${ctx.request_id} for ${auth.instance_uuid}: RFB handshake failed: ${failed.message}`);
        vnc.socket.destroy();
        ws.close(CLOSE.guestAuthFailed, closeReason('console authentication with the guest failed'));
        return;
      }
    }
    ws.off('message', onEarly);
    ws.off('error', onEarlyError); // the relay listens from here on
    if (ws.readyState !== ws.OPEN) {
      vnc.socket.destroy();
      return;
    }

    const where = info.kind === 'tcp' ? `${info.host}:${info.port}` : `unix:${info.path}`;
    const relayed = msg(password !== undefined ? 'console.proxyRelayPassword' : 'console.proxyRelay', { uuid: auth.instance_uuid, where });
    step('proxy.relay', sctx, relayed, {
      key: tag,
      connect_info: publicConnectInfo(info),
    });
    deps.log.info(`console session ${ctx.request_id} for instance ${auth.instance_uuid}: relaying ${peer} <-> ${where}`);
    sessions.add(ws);
    const r = await relay(ws, socket, vnc, fromClient.drain());
    sessions.delete(ws);
    deps.log.info(
      `console session ${ctx.request_id} ended: ${r.ended} (${r.toClient} bytes to the browser, ${r.toServer} to the VNC server)`,
    );
  }

  return {
    onUpgrade(req, socket, head) {
      const ctx: RequestContext = { request_id: `req-${randomUUID()}` };
      const s = socket as net.Socket;
      const peer = `${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'}`;
      socket.on('error', () => socket.destroy());
      const verdict = checkOrigin(req.headers.origin, req.headers.host, deps.originPolicy);
      if (!verdict.ok) {
        deps.log.warn(`refused a console WebSocket from ${peer}: ${verdict.reason}`);
        refuseHttp(socket, 403, 'Forbidden', verdict.reason);
        return;
      }
      const token = tokenFromUrl(req.url);
      wss.handleUpgrade(req, socket, head, (ws) => {
        session(ws, s, token, ctx, peer).catch((err: Error) => {
          deps.log.error(`console session ${ctx.request_id} failed: ${err.message}`);
          ws.terminate();
        });
      });
    },
    get active() {
      return sessions.size;
    },
    close() {
      for (const ws of sessions) ws.close(1001, 'nova-novncproxy is stopping');
      wss.close();
    },
  };
}
