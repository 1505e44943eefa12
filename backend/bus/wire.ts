// The bus's wire format: one JSON object per line over a loopback TCP connection.
import type { Socket } from 'node:net';
import type { RequestContext } from '../../contract/events.js';

export type BusFrame =
  | { op: 'hello'; secret: string; name: string; pid: number }
  | { op: 'welcome'; clientId: string }
  | { op: 'listen'; topic: string }
  | { op: 'call'; id: string; topic: string; method: string; args: unknown[]; ctx?: RequestContext; timeoutMs: number; from?: string }
  | { op: 'cast'; topic: string; method: string; args: unknown[]; ctx?: RequestContext; from?: string }
  | { op: 'reply'; id: string; result?: unknown; error?: BusError }
  | { op: 'publish'; event: PublishedEvent }
  | { op: 'subscribe' }
  | { op: 'event'; event: unknown };

/** Errors travel as data; the caller re-raises them as RemoteError. */
export interface BusError {
  name: string;
  message: string;
  /** HTTP-ish code so the API can map it to OpenStack's fault names. */
  code?: number;
  retryable?: boolean;
  details?: unknown;
}

/** A service-emitted observable event, before the broker stamps seq/ts. */
export interface PublishedEvent {
  kind: string;
  source?: string;
  topic?: string;
  method?: string;
  ctx?: RequestContext;
  step?: string;
  summary: string;
  detail?: unknown;
}

export function writeFrame(socket: Socket, frame: BusFrame): void {
  socket.write(JSON.stringify(frame) + '\n');
}

/** Splits a byte stream into frames; a partial line waits for more bytes. */
export function frameReader(onFrame: (frame: BusFrame) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.length > 0) onFrame(JSON.parse(line) as BusFrame);
    }
  };
}
