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

/**
 * Splits a byte stream into frames; a partial line waits for more bytes. Only each new chunk is
 * searched for the newline and a long frame's chunks are joined once, as bytes: a reply of
 * 1,000 instances (1.5 MB) arrives in dozens of chunks, and re-scanning a growing string cost
 * tens of ms per hop. Decoding whole lines also keeps multi-byte characters that straddle a
 * chunk boundary intact.
 */
export function frameReader(onFrame: (frame: BusFrame) => void): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  return (chunk) => {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      const tail = chunk.subarray(start, nl);
      const line = parts.length > 0 ? Buffer.concat([...parts, tail]) : tail;
      parts = [];
      start = nl + 1;
      if (line.length > 0) onFrame(JSON.parse(line.toString('utf8')) as BusFrame);
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  };
}
