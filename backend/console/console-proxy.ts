// Steps 10–13 of the course's console flow, for one WebSocket: the browser connects
// (proxy.connect), the proxy asks nova-consoleauth about the token (proxy.check_token →
// consoleauth.validated), then dials the address the token names and relays (proxy.relay).
// A foreign Origin never gets a WebSocket (HTTP 403); a bad token gets one that closes at
// once with a reason the page can show. Nothing here logs or publishes a token: sessions
// are named by a request id and a hash tag of the token.
import type net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { RequestContext } from '../../contract/events.js';
import type { ConsoleStepId } from '../../contract/boot-steps.js';
import type { PublishedEvent } from '../bus/wire.js';
import type { Logger } from '../common/log.js';
import type { ConsoleAuthorization } from '../rpc/consoleauth-api.js';
import { checkOrigin, type OriginPolicy } from './origin-check.js';
import { checkTarget, tokenFromUrl } from './console-request.js';
import { tokenTag } from './token-store.js';
import { dialVnc, relay } from './ws-relay.js';

export const CLOSE = {
  invalidToken: 4001,
  targetNotAllowed: 4002,
  originNotAllowed: 4003,
  unreachable: 4004,
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
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** A WebSocket close reason is at most 123 bytes. */
const closeReason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString('utf8') + '...');

export function consoleProxy(deps: ConsoleProxyDeps): ConsoleProxy {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE,
    perMessageDeflate: false,
    // noVNC ≥ 1.x sends no subprotocol; older clients offer "binary" (and "base64", not supported).
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  const sessions = new Set<WebSocket>();
  const step = (step: ConsoleStepId, ctx: RequestContext, summary: string, detail: unknown) =>
    deps.publish({ kind: 'step', step, summary, detail, ctx });

  async function session(ws: WebSocket, socket: net.Socket, token: string | null, ctx: RequestContext, peer: string): Promise<void> {
    const early: Buffer[] = [];
    const onEarly = (data: RawData, isBinary: boolean) => {
      if (!isBinary) ws.close(1003, 'binary frames only');
      else early.push(Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]));
    };
    ws.on('message', onEarly);
    const tag = token ? tokenTag(token) : 'none';
    const refuse = (code: number, reason: string) => {
      deps.log.warn(`console session ${ctx.request_id} from ${peer} refused: ${reason} (key ${tag})`);
      ws.close(code, closeReason(reason));
    };
    step('proxy.connect', ctx, `a browser (${peer}) opened a console WebSocket to nova-novncproxy`, { peer, key: tag });
    if (!token) return refuse(CLOSE.invalidToken, 'missing token');

    step('proxy.check_token', ctx, `nova-novncproxy asks nova-consoleauth to check token ${tag}…`, { key: tag });
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
    ws.off('message', onEarly);
    if (ws.readyState !== ws.OPEN) { vnc.socket.destroy(); return; }

    const where = auth.connect_info.kind === 'tcp' ? `${auth.connect_info.host}:${auth.connect_info.port}` : `unix:${auth.connect_info.path}`;
    step('proxy.relay', sctx, `nova-novncproxy relays the console of ${auth.instance_uuid} to ${where}`, { key: tag, connect_info: auth.connect_info });
    deps.log.info(`console session ${ctx.request_id} for instance ${auth.instance_uuid}: relaying ${peer} <-> ${where}`);
    sessions.add(ws);
    const r = await relay(ws, socket, vnc, early);
    sessions.delete(ws);
    deps.log.info(`console session ${ctx.request_id} ended: ${r.ended} (${r.toClient} bytes to the browser, ${r.toServer} to the VNC server)`);
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
    get active() { return sessions.size; },
    close() {
      for (const ws of sessions) ws.close(1001, 'nova-novncproxy is stopping');
      wss.close();
    },
  };
}

