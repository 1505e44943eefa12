// The lab's live event stream (WebSocket /lab/api/events/stream): one connection for the
// whole GUI, a bounded in-memory log, reconnect with back-off resuming from the last seq.
import type { LabEvent } from '../../../contract/events';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

const CAPACITY = 8000;

export class EventStore {
  private events: LabEvent[] = [];
  private lastSeq = 0;
  private listeners = new Set<() => void>();
  private ws: WebSocket | null = null;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  status: StreamStatus = 'connecting';
  private version = 0;

  constructor(
    private token: string,
    private url = EventStore.defaultUrl(),
  ) {}

  static defaultUrl(): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/lab/api/events/stream`;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A number that changes whenever events or status change (for useSyncExternalStore). */
  getVersion = (): number => this.version;

  all(): readonly LabEvent[] {
    return this.events;
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** Add events fetched another way (GET /lab/api/events), keeping seq order and no duplicates. */
  merge(events: LabEvent[]): void {
    const known = new Set(this.events.map((e) => e.seq));
    const fresh = events.filter((e) => !known.has(e.seq));
    if (!fresh.length) return;
    this.events = [...this.events, ...fresh].sort((a, b) => a.seq - b.seq).slice(-CAPACITY);
    this.lastSeq = Math.max(this.lastSeq, ...fresh.map((e) => e.seq));
    this.changed();
  }

  private add(e: LabEvent): void {
    if (e.seq <= this.lastSeq) return;
    this.events.push(e);
    if (this.events.length > CAPACITY) this.events.splice(0, this.events.length - CAPACITY);
    this.lastSeq = e.seq;
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private setStatus(s: StreamStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.changed();
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ token: this.token, since: this.lastSeq }));
      this.retry = 0;
      this.setStatus('live');
    };
    ws.onmessage = (m) => {
      try {
        this.add(JSON.parse(String(m.data)) as LabEvent);
      } catch {
        /* not an event */
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      if (ev.code === 4001) {
        this.setStatus('refused');
        return;
      }
      this.setStatus('reconnecting');
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
