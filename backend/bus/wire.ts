// The bus's wire format: JSON lines over a loopback TCP connection (see writeFrame).
import type { Socket } from 'node:net';
import type { RequestContext } from '../../contract/events.js';
import type { LabMessage } from '../../contract/messages.js';

export type BusFrame =
  | { op: 'hello'; secret: string; name: string; pid: number; worker?: WorkerSlot }
  | { op: 'welcome'; clientId: string }
  | { op: 'listen'; topic: string }
  | { op: 'call'; id: string; topic: string; method: string; args: unknown[]; ctx?: RequestContext; timeoutMs: number; from?: string }
  | { op: 'cast'; topic: string; method: string; args: unknown[]; ctx?: RequestContext; from?: string }
  | { op: 'reply'; id: string; result?: unknown; error?: BusError }
  | { op: 'publish'; event: PublishedEvent }
  | { op: 'subscribe' }
  | { op: 'event'; event: unknown };

/** Which worker of a master process a client is (a nova-api worker: its API and its index). */
export interface WorkerSlot {
  role: string;
  index: number;
}

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
  /** `summary` by code, for the GUI to translate. */
  message?: LabMessage;
  detail?: unknown;
}

/**
 * On the wire a frame is a header line, and for the frames that carry data a second line, the
 * body: a call's or cast's args, a reply's result or error, an event. The broker reads headers
 * only and relays bodies as bytes, so a 1.5 MB reply is decoded once, by its caller.
 */
export type FrameHead = Record<string, unknown> & { op: BusFrame['op'] };
const BODY_FIELDS: Partial<Record<BusFrame['op'], readonly string[]>> = {
  call: ['args'],
  cast: ['args'],
  reply: ['result', 'error'],
  publish: ['event'],
  event: ['event'],
};
export const hasBody = (op: string): boolean => BODY_FIELDS[op as BusFrame['op']] !== undefined;

/** Splits a frame into its header and, where the op carries one, its body. */
export function splitFrame(frame: BusFrame): { head: FrameHead; body: Record<string, unknown> | null } {
  const fields = BODY_FIELDS[frame.op];
  if (!fields) return { head: frame as FrameHead, body: null };
  const head: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frame)) (fields.includes(k) ? body : head)[k] = v;
  return { head: head as FrameHead, body };
}

/** A frame as the text that goes on the wire. */
export function encodeFrame(frame: BusFrame): string {
  const { head, body } = splitFrame(frame);
  return body ? `${JSON.stringify(head)}\n${JSON.stringify(body)}\n` : `${JSON.stringify(head)}\n`;
}

export function writeFrame(socket: Socket, frame: BusFrame): void {
  socket.write(encodeFrame(frame));
}

/** Relays a frame whose body is still the bytes it arrived as. */
export function writeRawFrame(socket: Socket, head: FrameHead, body: Buffer | null): void {
  if (!body) {
    socket.write(`${JSON.stringify(head)}\n`);
    return;
  }
  socket.cork();
  socket.write(`${JSON.stringify(head)}\n`);
  socket.write(body);
  socket.write('\n');
  socket.uncork();
}

/**
 * Splits a byte stream into lines. Only each new chunk is searched for the newline and a long
 * line's chunks are joined once, as bytes: a reply of 1,000 instances arrives in dozens of
 * chunks, and re-scanning a growing string cost tens of ms per hop. Lines stay bytes until
 * decoded whole, so multi-byte characters that straddle a chunk boundary stay intact.
 */
function lineReader(onLine: (line: Buffer) => void): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  return (chunk) => {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      const tail = chunk.subarray(start, nl);
      const line = parts.length > 0 ? Buffer.concat([...parts, tail]) : tail;
      parts = [];
      start = nl + 1;
      if (line.length > 0) onLine(line);
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  };
}

/** Frames as headers plus undecoded bodies (the broker's view). */
export function rawFrameReader(onFrame: (head: FrameHead, body: Buffer | null) => void): (chunk: Buffer) => void {
  let head: FrameHead | null = null;
  return lineReader((line) => {
    if (head) {
      const h = head;
      head = null;
      onFrame(h, line);
      return;
    }
    const parsed = JSON.parse(line.toString('utf8')) as FrameHead;
    if (hasBody(parsed.op)) head = parsed;
    else onFrame(parsed, null);
  });
}

/** Whole decoded frames (the services' view). */
export function frameReader(onFrame: (frame: BusFrame) => void): (chunk: Buffer) => void {
  return rawFrameReader((head, body) => onFrame((body ? { ...head, ...(JSON.parse(body.toString('utf8')) as object) } : head) as BusFrame));
}
