// A small client of QEMU's machine protocol (QMP) over a unix socket: the greeting,
// capability negotiation, `execute(command, args)` with one reply per command (in order),
// and asynchronous events (SHUTDOWN, STOP, RESUME, RESET, MIGRATION…) for whoever listens.
// Wire format: one JSON object per line, both ways.
import net from 'node:net';
import { EventEmitter } from 'node:events';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

/** An error QEMU answered with ({"error": {"class", "desc"}}). */
export class QmpError extends Error {
  override readonly name = 'QmpError';
  constructor(
    readonly errorClass: string,
    desc: string,
    readonly command: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
  }
}

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export interface QmpConnectOptions {
  /** Give up after this long (retrying while the socket is not there yet). Default 10 s. */
  timeoutMs?: number;
  /** Delay between connection attempts. Default 20 ms. */
  retryMs?: number;
}

export class QmpClient extends EventEmitter<{ event: [QmpEvent]; close: [] }> {
  private buffer = '';
  private pending: Pending[] = [];
  private closed = false;
  /** QEMU's version from the greeting, e.g. { major: 7, minor: 2, micro: 22 }. */
  version: { major: number; minor: number; micro: number } | null = null;

  private constructor(private readonly socket: net.Socket) {
    super();
  }

  /** Connects (retrying until the socket exists and answers), reads the greeting and
   *  negotiates capabilities. */
  static async connect(path: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      try {
        return await QmpClient.connectOnce(path, Math.max(200, deadline - Date.now()));
      } catch (err) {
        if (Date.now() >= deadline) throw new Error(`QMP socket ${path}: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, opts.retryMs ?? 20));
      }
    }
  }

  private static connectOnce(path: string, timeoutMs: number): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      const client = new QmpClient(socket);
      const timer = setTimeout(() => fail(new Error('no QMP greeting')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      client.onGreeting = (greeting) => {
        const v = (greeting as { QMP?: { version?: { qemu?: QmpClient['version'] } } }).QMP?.version?.qemu;
        client.version = v ?? null;
        client.execute('qmp_capabilities').then(() => {
          clearTimeout(timer);
          socket.off('error', fail);
          socket.on('error', () => undefined);
          resolve(client);
        }, fail);
      };
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => client.receive(chunk));
      socket.on('close', () => client.shutdown(new Error('QMP connection closed')));
    });
  }

  private onGreeting: ((greeting: unknown) => void) | null = null;

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not QMP; ignore rather than kill the connection
    }
    if ('QMP' in msg) {
      const g = this.onGreeting;
      this.onGreeting = null;
      g?.(msg);
    } else if ('event' in msg) {
      this.emit('event', msg as unknown as QmpEvent);
    } else if ('return' in msg || 'error' in msg) {
      const p = this.pending.shift();
      if (!p) return;
      if ('error' in msg) {
        const e = msg.error as { class?: string; desc?: string };
        p.reject(new QmpError(e.class ?? 'GenericError', e.desc ?? 'unknown error', p.command));
      } else p.resolve(msg.return);
    }
  }

  /** Runs one command; resolves with its `return` value, rejects with a QmpError. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ command, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  /** Resolves with the first event named `name` (and matching `match`), or rejects after
   *  `timeoutMs` or when the connection closes. */
  waitForEvent(name: string, timeoutMs: number, match: (e: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.off('close', onClose);
      };
      const onEvent = (e: QmpEvent) => {
        if (e.event === name && match(e)) {
          done();
          resolve(e);
        }
      };
      const onClose = () => {
        done();
        reject(new Error(`QMP closed while waiting for ${name}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('event', onEvent);
      this.on('close', onClose);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
    this.shutdown(new Error('QMP connection closed'));
  }

  private shutdown(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(new Error(`QMP ${p.command}: ${err.message}`));
    this.emit('close');
  }
}
