// The embedded message broker. It runs inside the launcher, listens on loopback only, admits
// clients that know the lab's secret, routes calls and casts by topic (round-robin among a
// topic's listeners, like a RabbitMQ queue with several consumers) and turns every message
// into an observable LabEvent.
import net from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LabEvent, LabEventKind, RequestContext } from '../../contract/events.js';
import {
  encodeFrame,
  rawFrameReader,
  writeFrame,
  writeRawFrame,
  type BusFrame,
  type FrameHead,
  type PublishedEvent,
  type WorkerSlot,
} from './wire.js';
import { BusFailure, timeoutError, toBusError } from './errors.js';
import { redactEvent } from './redact.js';
import { msg, summaryOf } from '../../contract/messages.js';

interface Client {
  id: string;
  name: string;
  /** The process on the other end, as it said at hello. */
  pid: number | null;
  worker: WorkerSlot | null;
  socket: net.Socket;
  topics: Set<string>;
  subscribed: boolean;
}
interface PendingCall {
  callerId: string;
  listenerId: string;
  id: string;
  topic: string;
  method: string;
  ctx: RequestContext | undefined;
  timer: NodeJS.Timeout;
}
type CallHead = Omit<Extract<BusFrame, { op: 'call' }>, 'args'>;
type CastHead = Omit<Extract<BusFrame, { op: 'cast' }>, 'args'>;
interface QueuedCall {
  head: CallHead;
  body: Buffer;
  callerId: string;
  expires: number;
}
interface QueuedCast {
  head: CastHead;
  body: Buffer;
  expires: number;
}

/**
 * A cast to a topic nobody serves right now (its service is restarting) waits for the next
 * listener, as a message waits in a durable RabbitMQ queue while its consumer is away: a build
 * or delete cast to a nova-compute that is coming back is not lost. Bounded, and dropped
 * after a while (a host that never comes back).
 */
const CAST_HOLD_MS = 10 * 60 * 1000;
const CAST_HOLD_MAX = 1000;
/** Who made a call to a local topic: the process that waits for its reply (step mode names it). */
export interface BusCaller {
  clientId: string;
  name: string;
  pid: number | null;
  worker: WorkerSlot | null;
  /** How long the caller waits for the reply. */
  timeoutMs: number;
}
type LocalHandler = (method: string, args: unknown[], ctx: RequestContext | undefined, caller: BusCaller) => Promise<unknown>;

/** Payloads larger than this are summarised in events rather than decoded and copied. */
const EVENT_DETAIL_LIMIT = 16 * 1024;

/** A hello's worker slot, if it is one (anything else is ignored). */
const workerSlot = (w: unknown): WorkerSlot | null => {
  const o = w as Partial<WorkerSlot> | null | undefined;
  return o && typeof o.role === 'string' && Number.isSafeInteger(o.index) ? { role: o.role.slice(0, 40), index: o.index! } : null;
};

/** A body's one field (args, result or error, event), decoded. */
const bodyField = (body: Buffer | null, ...names: string[]): unknown => {
  if (!body) return undefined;
  const o = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
};

export class Broker {
  readonly secret = randomBytes(24).toString('hex');
  private server = net.createServer((s) => this.accept(s));
  private clients = new Map<string, Client>();
  private listeners = new Map<string, string[]>();
  private roundRobin = new Map<string, number>();
  private pending = new Map<string, PendingCall>();
  private queued = new Map<string, QueuedCall[]>();
  private queuedCasts = new Map<string, QueuedCast[]>();
  private local = new Map<string, LocalHandler>();
  private observers = new Set<(e: LabEvent) => void>();
  private goneObservers = new Set<(clientId: string) => void>();
  private seq = 0;
  private nextClient = 0;

  async listen(host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    for (const c of this.clients.values()) c.socket.destroy();
    this.server.close();
  }

  /** Serve a topic from inside the launcher process (e.g. "lab" for step mode). */
  serveLocal(topic: string, handler: LocalHandler): void {
    this.local.set(topic, handler);
  }

  /** Told when a client's connection ends (its process stopped or died): its calls wait no more. */
  onClientGone(observer: (clientId: string) => void): void {
    this.goneObservers.add(observer);
  }

  onEvent(observer: (e: LabEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Emit an event that did not come over the wire (launcher-side: service restarts…). Every
   * event is born here, so this is where its secrets are removed: none is logged or sent.
   */
  emit(e: Omit<LabEvent, 'seq' | 'ts'>): void {
    const event: LabEvent = {
      seq: ++this.seq,
      ts: new Date().toISOString(),
      ...redactEvent(e),
    };
    for (const o of this.observers) o(event);
    const frame = encodeFrame({ op: 'event', event }); // encoded once for every subscriber
    for (const c of this.clients.values()) if (c.subscribed) c.socket.write(frame);
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    let client: Client | null = null;
    const read = rawFrameReader((head, body) => {
      if (!client) {
        client = this.admit(socket, head as BusFrame);
        if (!client) socket.destroy();
        return;
      }
      this.handle(client, head, body);
    });
    // Bytes that are not frames end that connection, never the broker.
    socket.on('data', (chunk: Buffer) => {
      try {
        read(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (client) this.drop(client);
    });
  }

  private admit(socket: net.Socket, frame: BusFrame): Client | null {
    if (frame.op !== 'hello') return null;
    const given = Buffer.from(String(frame.secret));
    const want = Buffer.from(this.secret);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    const client: Client = {
      id: `c${++this.nextClient}`,
      name: frame.name,
      pid: Number.isSafeInteger(frame.pid) && frame.pid > 0 ? frame.pid : null,
      worker: workerSlot(frame.worker),
      socket,
      topics: new Set(),
      subscribed: false,
    };
    this.clients.set(client.id, client);
    writeFrame(socket, { op: 'welcome', clientId: client.id });
    return client;
  }

  private handle(client: Client, head: FrameHead, body: Buffer | null): void {
    switch (head.op) {
      case 'listen':
        return this.addListener(client, String(head.topic));
      case 'subscribe':
        client.subscribed = true;
        return;
      case 'call':
        return this.routeCall(client.id, { ...(head as unknown as CallHead), from: client.name }, body!);
      case 'cast':
        return this.routeCast({ ...(head as unknown as CastHead), from: client.name }, body!);
      case 'reply':
        return this.routeReply(client, head as unknown as { id: string }, body!);
      case 'publish':
        return this.emitPublished(client, bodyField(body, 'event') as PublishedEvent);
      default:
        return;
    }
  }

  private addListener(client: Client, topic: string): void {
    client.topics.add(topic);
    const list = this.listeners.get(topic) ?? [];
    list.push(client.id);
    this.listeners.set(topic, list);
    const waiting = this.queued.get(topic) ?? [];
    this.queued.delete(topic);
    const now = Date.now();
    for (const q of waiting) if (q.expires > now) this.routeCall(q.callerId, q.head, q.body, q.expires - now);
    const casts = this.queuedCasts.get(topic) ?? [];
    this.queuedCasts.delete(topic);
    for (const q of casts) if (q.expires > now) writeRawFrame(client.socket, q.head as FrameHead, q.body);
  }

  private pickListener(topic: string): Client | undefined {
    const list = this.listeners.get(topic);
    if (!list || list.length === 0) return undefined;
    const i = (this.roundRobin.get(topic) ?? 0) % list.length;
    this.roundRobin.set(topic, i + 1);
    return this.clients.get(list[i]!);
  }

  private routeCall(callerId: string, frame: CallHead, body: Buffer, remainingMs = frame.timeoutMs): void {
    const caller = this.clients.get(callerId);
    this.observe('rpc.call', frame.from ?? caller?.name ?? '?', frame.topic, frame.method, frame.ctx, body, 'args');
    const localHandler = this.local.get(frame.topic);
    if (localHandler) {
      const who: BusCaller = {
        clientId: callerId,
        name: frame.from ?? caller?.name ?? '?',
        pid: caller?.pid ?? null,
        worker: caller?.worker ?? null,
        timeoutMs: remainingMs,
      };
      localHandler(frame.method, bodyField(body, 'args') as unknown[], frame.ctx, who).then(
        (result) => this.replyTo(callerId, { op: 'reply', id: frame.id, result }, frame.topic, frame.method, frame.ctx),
        (err) => this.replyTo(callerId, { op: 'reply', id: frame.id, error: toBusError(err) }, frame.topic, frame.method, frame.ctx),
      );
      return;
    }
    const target = this.pickListener(frame.topic);
    if (!target) {
      // Nobody serves the topic yet (a service still starting or restarting): hold the call.
      const q = this.queued.get(frame.topic) ?? [];
      q.push({
        head: frame,
        body,
        callerId,
        expires: Date.now() + remainingMs,
      });
      this.queued.set(frame.topic, q);
      setTimeout(() => this.expireQueued(frame.topic, frame.id, callerId, frame.method, frame.timeoutMs, frame.ctx), remainingMs).unref();
      return;
    }
    const key = `${callerId}:${frame.id}`;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.replyTo(
        callerId,
        {
          op: 'reply',
          id: frame.id,
          error: toBusError(timeoutError(frame.topic, frame.method, frame.timeoutMs)),
        },
        frame.topic,
        frame.method,
        frame.ctx,
      );
    }, remainingMs);
    timer.unref();
    this.pending.set(key, {
      callerId,
      listenerId: target.id,
      id: frame.id,
      topic: frame.topic,
      method: frame.method,
      ctx: frame.ctx,
      timer,
    });
    writeRawFrame(target.socket, { ...frame, id: key }, body);
  }

  private expireQueued(
    topic: string,
    id: string,
    callerId: string,
    method: string,
    timeoutMs: number,
    ctx: RequestContext | undefined,
  ): void {
    const q = this.queued.get(topic);
    if (!q) return;
    const i = q.findIndex((x) => x.head.id === id && x.callerId === callerId);
    if (i < 0) return;
    q.splice(i, 1);
    this.replyTo(
      callerId,
      {
        op: 'reply',
        id,
        error: toBusError(timeoutError(topic, method, timeoutMs)),
      },
      topic,
      method,
      ctx,
    );
  }

  private routeCast(frame: CastHead, body: Buffer): void {
    this.observe('rpc.cast', frame.from ?? '?', frame.topic, frame.method, frame.ctx, body, 'args');
    const localHandler = this.local.get(frame.topic);
    if (localHandler) {
      const who: BusCaller = { clientId: '', name: frame.from ?? '?', pid: null, worker: null, timeoutMs: 0 };
      void localHandler(frame.method, bodyField(body, 'args') as unknown[], frame.ctx, who).catch(() => undefined);
      return;
    }
    const target = this.pickListener(frame.topic);
    if (target) {
      writeRawFrame(target.socket, frame as FrameHead, body);
      return;
    }
    const now = Date.now();
    const q = (this.queuedCasts.get(frame.topic) ?? []).filter((c) => c.expires > now);
    if (q.length >= CAST_HOLD_MAX) q.shift();
    q.push({ head: frame, body, expires: now + CAST_HOLD_MS });
    this.queuedCasts.set(frame.topic, q);
  }

  private routeReply(from: Client, frame: { id: string }, body: Buffer): void {
    const p = this.pending.get(frame.id);
    if (!p) return; // timed out already
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    const sep = frame.id.indexOf(':');
    const originalId = frame.id.slice(sep + 1);
    this.observe('rpc.reply', from.name, p.topic, p.method, p.ctx, body, 'error', 'result');
    const caller = this.clients.get(p.callerId);
    if (caller) writeRawFrame(caller.socket, { op: 'reply', id: originalId }, body);
  }

  /** A reply the broker makes itself; it carries the call's context, so it is scoped like the call. */
  private replyTo(
    callerId: string,
    frame: Extract<BusFrame, { op: 'reply' }>,
    topic: string,
    method: string,
    ctx: RequestContext | undefined,
  ): void {
    this.observeDecoded('rpc.reply', 'broker', topic, method, ctx, frame.error ?? frame.result);
    const caller = this.clients.get(callerId);
    if (caller) writeFrame(caller.socket, frame);
  }

  private emitPublished(client: Client, e: PublishedEvent): void {
    this.emit({
      ...e,
      kind: e.kind as LabEventKind,
      source: e.source ?? client.name,
      step: e.step as LabEvent['step'],
    });
  }

  private get observed(): boolean {
    return this.observers.size > 0 || [...this.clients.values()].some((c) => c.subscribed);
  }

  /** An event for a relayed message: small bodies are decoded for the event's detail, large ones only measured. */
  private observe(
    kind: LabEventKind,
    source: string,
    topic: string,
    method: string,
    ctx: RequestContext | undefined,
    body: Buffer,
    ...fields: string[]
  ): void {
    if (!this.observed) return;
    const detail = body.length > EVENT_DETAIL_LIMIT ? { truncated: true, bytes: body.length } : (bodyField(body, ...fields) ?? null);
    this.emitObserved(kind, source, topic, method, ctx, detail);
  }

  private observeDecoded(
    kind: LabEventKind,
    source: string,
    topic: string,
    method: string,
    ctx: RequestContext | undefined,
    payload: unknown,
  ): void {
    if (!this.observed) return;
    const text = JSON.stringify(payload ?? null);
    this.emitObserved(
      kind,
      source,
      topic,
      method,
      ctx,
      text.length > EVENT_DETAIL_LIMIT ? { truncated: true, bytes: text.length } : payload,
    );
  }

  private emitObserved(
    kind: LabEventKind,
    source: string,
    topic: string,
    method: string,
    ctx: RequestContext | undefined,
    detail: unknown,
  ): void {
    const code = kind === 'rpc.reply' ? 'event.rpcReply' : kind === 'rpc.call' ? 'event.rpcCall' : 'event.rpcCast';
    this.emit({
      kind,
      source,
      topic,
      method,
      ctx,
      ...summaryOf(msg(code, { target: `${topic}.${method}` })),
      detail,
    });
  }

  private drop(client: Client): void {
    this.clients.delete(client.id);
    for (const o of this.goneObservers) o(client.id);
    for (const topic of client.topics) {
      const list = (this.listeners.get(topic) ?? []).filter((id) => id !== client.id);
      this.listeners.set(topic, list);
    }
    // Calls in flight to a vanished listener fail now rather than at their timeout.
    for (const [key, p] of this.pending) {
      if (p.callerId !== client.id && p.listenerId !== client.id) continue;
      clearTimeout(p.timer);
      this.pending.delete(key);
      if (p.listenerId === client.id) {
        const gone = new BusFailure('ServiceUnavailable', `${client.name} went away while handling ${p.topic}.${p.method}`, {
          code: 503,
          retryable: true,
        });
        this.replyTo(p.callerId, { op: 'reply', id: p.id, error: toBusError(gone) }, p.topic, p.method, p.ctx);
      }
    }
  }
}
