// A service's connection to the bus: call (request/reply with timeout), cast (fire and
// forget), serve a topic, publish observable events. The request context travels with every
// message and is restored around handlers, so nested calls carry it on without plumbing.
import net from 'node:net';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestContext } from '../../contract/events.js';
import { frameReader, writeFrame, type BusFrame, type PublishedEvent, type WorkerSlot } from './wire.js';
import { fromBusError, toBusError } from './errors.js';

// Handlers take each RPC method's own arguments; the bus only forwards them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any[] is the one parameter list every method signature fits
export type Handler = (...args: any[]) => unknown;
export type Handlers = Record<string, Handler>;

const contextStore = new AsyncLocalStorage<RequestContext>();

/** The context of the message being handled (or set with withContext). */
export function currentContext(): RequestContext | undefined {
  return contextStore.getStore();
}

export function withContext<T>(ctx: RequestContext, fn: () => T): T {
  return contextStore.run({ ...currentContext(), ...ctx }, fn);
}

export interface CallOptions {
  timeoutMs?: number;
  ctx?: RequestContext;
}

export class BusClient {
  private socket!: net.Socket;
  private nextId = 0;
  private waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private handlers = new Map<string, Handlers>();
  private eventObservers = new Set<(e: unknown) => void>();
  onClose: () => void = () => undefined;

  constructor(
    readonly name: string,
    readonly defaultTimeoutMs = 30_000,
    /** Told to the broker at hello, so a step held in this process can name it (step mode). */
    readonly worker?: WorkerSlot,
  ) {}

  async connect(port: number, secret: string, host = '127.0.0.1'): Promise<void> {
    this.socket = net.connect({ port, host });
    this.socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const refused = () => reject(new Error('the bus refused this connection'));
      this.socket.once('error', reject);
      this.socket.once('close', refused);
      this.socket.on(
        'data',
        frameReader((frame) => {
          if (frame.op === 'welcome') {
            this.socket.off('error', reject);
            this.socket.off('close', refused);
            resolve();
            return;
          }
          this.handle(frame);
        }),
      );
      this.socket.once('connect', () =>
        writeFrame(this.socket, {
          op: 'hello',
          secret,
          name: this.name,
          pid: process.pid,
          ...(this.worker ? { worker: this.worker } : {}),
        }),
      );
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('bus connection closed'));
      this.waiting.clear();
      this.onClose();
    });
  }

  close(): void {
    this.socket?.end();
  }

  call<T = unknown>(topic: string, method: string, args: unknown[], opts: CallOptions = {}): Promise<T> {
    const id = `${++this.nextId}`;
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const ctx = opts.ctx ?? currentContext();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      writeFrame(this.socket, { op: 'call', id, topic, method, args, ctx, timeoutMs });
    });
  }

  cast(topic: string, method: string, args: unknown[], ctx: RequestContext | undefined = currentContext()): void {
    writeFrame(this.socket, { op: 'cast', topic, method, args, ctx });
  }

  /** Handle calls and casts sent to `topic`; each method of `handlers` is one RPC method. */
  serve(topic: string, handlers: Handlers): void {
    this.handlers.set(topic, handlers);
    writeFrame(this.socket, { op: 'listen', topic });
  }

  publish(event: PublishedEvent): void {
    const ctx = event.ctx ?? currentContext();
    writeFrame(this.socket, { op: 'publish', event: { ...event, ctx, source: event.source ?? this.name } });
  }

  /** Receive every observable event of the lab. */
  subscribe(observer: (e: unknown) => void): () => void {
    if (this.eventObservers.size === 0) writeFrame(this.socket, { op: 'subscribe' });
    this.eventObservers.add(observer);
    return () => this.eventObservers.delete(observer);
  }

  private handle(frame: BusFrame): void {
    if (frame.op === 'reply') {
      const w = this.waiting.get(frame.id);
      if (!w) return;
      this.waiting.delete(frame.id);
      if (frame.error) w.reject(fromBusError(frame.error));
      else w.resolve(frame.result);
      return;
    }
    if (frame.op === 'event') {
      for (const o of this.eventObservers) o(frame.event);
      return;
    }
    if (frame.op === 'call' || frame.op === 'cast') this.dispatch(frame);
  }

  private dispatch(frame: Extract<BusFrame, { op: 'call' | 'cast' }>): void {
    const handler = this.handlers.get(frame.topic)?.[frame.method];
    const reply = (body: { result?: unknown; error?: ReturnType<typeof toBusError> }) => {
      if (frame.op === 'call') writeFrame(this.socket, { op: 'reply', id: frame.id, ...body });
    };
    if (!handler) {
      reply({ error: { name: 'UnsupportedRpcMethod', message: `${frame.topic} has no method ${frame.method}`, code: 400 } });
      return;
    }
    contextStore.run(frame.ctx ?? {}, async () => {
      try {
        const result = await handler(...frame.args);
        reply({ result: result === undefined ? null : result });
      } catch (err) {
        reply({ error: toBusError(err) });
      }
    });
  }
}
