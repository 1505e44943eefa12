// The embedded message broker. It runs inside the launcher, listens on loopback only, admits
// clients that know the lab's secret, routes calls and casts by topic (round-robin among a
// topic's listeners, like a RabbitMQ queue with several consumers) and turns every message
// into an observable LabEvent.
import net from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LabEvent, LabEventKind, RequestContext } from '../../contract/events.js';
import { frameReader, writeFrame, type BusFrame, type PublishedEvent } from './wire.js';
import { BusFailure, timeoutError, toBusError } from './errors.js';

interface Client { id: string; name: string; socket: net.Socket; topics: Set<string>; subscribed: boolean }
interface PendingCall { callerId: string; listenerId: string; id: string; topic: string; method: string; ctx: RequestContext | undefined; timer: NodeJS.Timeout }
interface QueuedCall { frame: Extract<BusFrame, { op: 'call' }>; callerId: string; expires: number }
type LocalHandler = (method: string, args: unknown[], ctx: RequestContext | undefined) => Promise<unknown>;

/** Payloads larger than this are summarised in events rather than copied. */
const EVENT_DETAIL_LIMIT = 16 * 1024;

export class Broker {
  readonly secret = randomBytes(24).toString('hex');
  private server = net.createServer((s) => this.accept(s));
  private clients = new Map<string, Client>();
  private listeners = new Map<string, string[]>();
  private roundRobin = new Map<string, number>();
  private pending = new Map<string, PendingCall>();
  private queued = new Map<string, QueuedCall[]>();
  private local = new Map<string, LocalHandler>();
  private observers = new Set<(e: LabEvent) => void>();
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

  onEvent(observer: (e: LabEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Emit an event that did not come over the wire (launcher-side: service restarts…). */
  emit(e: Omit<LabEvent, 'seq' | 'ts'>): void {
    const event: LabEvent = { seq: ++this.seq, ts: new Date().toISOString(), ...e };
    for (const o of this.observers) o(event);
    const frame = JSON.stringify({ op: 'event', event }) + '\n';
    for (const c of this.clients.values()) if (c.subscribed) c.socket.write(frame);
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    let client: Client | null = null;
    socket.on('data', frameReader((frame) => {
      if (!client) {
        client = this.admit(socket, frame);
        if (!client) socket.destroy();
        return;
      }
      this.handle(client, frame);
    }));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => { if (client) this.drop(client); });
  }

  private admit(socket: net.Socket, frame: BusFrame): Client | null {
    if (frame.op !== 'hello') return null;
    const given = Buffer.from(String(frame.secret));
    const want = Buffer.from(this.secret);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    const client: Client = { id: `c${++this.nextClient}`, name: frame.name, socket, topics: new Set(), subscribed: false };
    this.clients.set(client.id, client);
    writeFrame(socket, { op: 'welcome', clientId: client.id });
    return client;
  }

  private handle(client: Client, frame: BusFrame): void {
    switch (frame.op) {
      case 'listen': return this.addListener(client, frame.topic);
      case 'subscribe': client.subscribed = true; return;
      case 'call': return this.routeCall(client.id, { ...frame, from: client.name });
      case 'cast': return this.routeCast({ ...frame, from: client.name });
      case 'reply': return this.routeReply(client, frame);
      case 'publish': return this.emitPublished(client, frame.event);
      default: return;
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
    for (const q of waiting) if (q.expires > now) this.routeCall(q.callerId, q.frame, q.expires - now);
  }

  private pickListener(topic: string): Client | undefined {
    const list = this.listeners.get(topic);
    if (!list || list.length === 0) return undefined;
    const i = (this.roundRobin.get(topic) ?? 0) % list.length;
    this.roundRobin.set(topic, i + 1);
    return this.clients.get(list[i]!);
  }

  private routeCall(callerId: string, frame: Extract<BusFrame, { op: 'call' }>, remainingMs = frame.timeoutMs): void {
    const caller = this.clients.get(callerId);
    this.observe('rpc.call', frame.from ?? caller?.name ?? '?', frame.topic, frame.method, frame.ctx, frame.args);
    const localHandler = this.local.get(frame.topic);
    if (localHandler) {
      localHandler(frame.method, frame.args, frame.ctx).then(
        (result) => this.replyTo(callerId, { op: 'reply', id: frame.id, result }, frame.topic, frame.method),
        (err) => this.replyTo(callerId, { op: 'reply', id: frame.id, error: toBusError(err) }, frame.topic, frame.method),
      );
      return;
    }
    const target = this.pickListener(frame.topic);
    if (!target) {
      // Nobody serves the topic yet (a service still starting or restarting): hold the call.
      const q = this.queued.get(frame.topic) ?? [];
      q.push({ frame, callerId, expires: Date.now() + remainingMs });
      this.queued.set(frame.topic, q);
      setTimeout(() => this.expireQueued(frame.topic, frame.id, callerId, frame.method, frame.timeoutMs), remainingMs).unref();
      return;
    }
    const key = `${callerId}:${frame.id}`;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.replyTo(callerId, { op: 'reply', id: frame.id, error: toBusError(timeoutError(frame.topic, frame.method, frame.timeoutMs)) }, frame.topic, frame.method);
    }, remainingMs);
    timer.unref();
    this.pending.set(key, { callerId, listenerId: target.id, id: frame.id, topic: frame.topic, method: frame.method, ctx: frame.ctx, timer });
    writeFrame(target.socket, { ...frame, id: key });
  }

  private expireQueued(topic: string, id: string, callerId: string, method: string, timeoutMs: number): void {
    const q = this.queued.get(topic);
    if (!q) return;
    const i = q.findIndex((x) => x.frame.id === id && x.callerId === callerId);
    if (i < 0) return;
    q.splice(i, 1);
    this.replyTo(callerId, { op: 'reply', id, error: toBusError(timeoutError(topic, method, timeoutMs)) }, topic, method);
  }

  private routeCast(frame: Extract<BusFrame, { op: 'cast' }>): void {
    this.observe('rpc.cast', frame.from ?? '?', frame.topic, frame.method, frame.ctx, frame.args);
    const localHandler = this.local.get(frame.topic);
    if (localHandler) { void localHandler(frame.method, frame.args, frame.ctx).catch(() => undefined); return; }
    const target = this.pickListener(frame.topic);
    if (target) writeFrame(target.socket, frame);
  }

  private routeReply(from: Client, frame: Extract<BusFrame, { op: 'reply' }>): void {
    const p = this.pending.get(frame.id);
    if (!p) return; // timed out already
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    const sep = frame.id.indexOf(':');
    const originalId = frame.id.slice(sep + 1);
    this.observe('rpc.reply', from.name, p.topic, p.method, p.ctx, frame.error ?? frame.result);
    const caller = this.clients.get(p.callerId);
    if (caller) writeFrame(caller.socket, { ...frame, id: originalId });
  }

  private replyTo(callerId: string, frame: Extract<BusFrame, { op: 'reply' }>, topic: string, method: string): void {
    this.observe('rpc.reply', 'broker', topic, method, undefined, frame.error ?? frame.result);
    const caller = this.clients.get(callerId);
    if (caller) writeFrame(caller.socket, frame);
  }

  private emitPublished(client: Client, e: PublishedEvent): void {
    this.emit({ ...e, kind: e.kind as LabEventKind, source: e.source ?? client.name, step: e.step as LabEvent['step'] });
  }

  private observe(kind: LabEventKind, source: string, topic: string, method: string, ctx: RequestContext | undefined, payload: unknown): void {
    if (this.observers.size === 0 && ![...this.clients.values()].some((c) => c.subscribed)) return;
    const text = JSON.stringify(payload ?? null);
    const detail = text.length > EVENT_DETAIL_LIMIT ? { truncated: true, bytes: text.length } : payload;
    const verb = kind === 'rpc.reply' ? 'reply from' : kind === 'rpc.call' ? 'rpc.call to' : 'rpc.cast to';
    this.emit({ kind, source, topic, method, ctx, summary: `${verb} ${topic}.${method}`, detail });
  }

  private drop(client: Client): void {
    this.clients.delete(client.id);
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
        const gone = new BusFailure('ServiceUnavailable', `${client.name} went away while handling ${p.topic}.${p.method}`, { code: 503, retryable: true });
        this.replyTo(p.callerId, { op: 'reply', id: p.id, error: toBusError(gone) }, p.topic, p.method);
      }
    }
  }
}
