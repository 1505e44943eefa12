// Sends one fuzz case and reports what came back, within a hard time limit: an HTTP request
// through Node's client, malformed HTTP and WebSocket traffic over a raw socket.
import http from 'node:http';
import net from 'node:net';
import type { FuzzCase, HttpCase, RawCase, WsCase } from './cases.js';

export interface Outcome {
  /** The final status the listener answered; null when it closed without one. */
  status: number | null;
  /** The start of the answer's body (or, for raw sockets, of everything received). */
  body: string;
  timedOut: boolean;
  /** A socket error on our side (ECONNRESET…), or our client refusing to send the case. */
  error?: string;
}

const KEEP = 64 * 1024;

function sendHttp(c: HttpCase, agent: http.Agent, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(o);
      }
    };
    let req: http.ClientRequest;
    const timer = setTimeout(() => {
      done({ status: null, body: '', timedOut: true });
      req?.destroy();
    }, timeoutMs);
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.body) headers['Content-Length'] = c.body.length;
    try {
      req = http.request(
        { host: '127.0.0.1', port: c.port, method: c.method, path: c.path, headers, agent: c.abort ? undefined : agent },
        (res) => {
          if (c.abort === 'on-response') {
            req.destroy();
            done({ status: res.statusCode ?? null, body: '', timedOut: false });
            return;
          }
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (d: Buffer) => {
            if (kept < KEEP) {
              chunks.push(d);
              kept += d.length;
            }
          });
          res.on('end', () => done({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), timedOut: false }));
          res.on('error', () => done({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), timedOut: false }));
        },
      );
    } catch (err) {
      done({ status: null, body: '', timedOut: false, error: `client refused the case: ${(err as Error).message}` });
      return;
    }
    req.on('error', (err: NodeJS.ErrnoException) => done({ status: null, body: '', timedOut: false, error: err.code ?? err.message }));
    if (c.abort === 'mid-body' && c.body) {
      req.write(c.body.subarray(0, c.body.length >> 1));
      setTimeout(() => {
        req.destroy();
        done({ status: null, body: '', timedOut: false, error: 'aborted by the client' });
      }, 20);
      return;
    }
    req.end(c.body);
  });
}

/** The first final (non-1xx) status line in what a server wrote. */
export function finalStatus(text: string): number | null {
  for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
    const s = Number(m[1]);
    if (s >= 200) return s;
  }
  return null;
}

function sendRaw(c: RawCase | WsCase, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(c.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () =>
        done({
          status: finalStatus(received.toString('latin1')),
          body: received.toString('latin1').slice(0, 2000),
          timedOut: finalStatus(received.toString('latin1')) === null,
        }),
      timeoutMs,
    );
    let upgraded = false;
    socket.on('connect', () => {
      if (c.kind === 'raw') {
        socket.write(c.bytes);
        socket.end(); // nothing more will come: a server waiting for more sees the end
      } else {
        socket.write(`GET ${c.path} HTTP/1.1\r\n${c.headerLines.join('\r\n')}\r\n\r\n`, 'latin1');
      }
    });
    socket.on('data', (d: Buffer) => {
      if (received.length < KEEP) received = Buffer.concat([received, d]);
      const text = received.toString('latin1');
      if (c.kind === 'ws' && !upgraded && text.includes('\r\n\r\n')) {
        if (/^HTTP\/1\.1 101 /.test(text)) {
          upgraded = true;
          // The frames, then a short while to see what the server does with them.
          for (const f of c.frames) socket.write(f);
          setTimeout(() => done({ status: 101, body: text.slice(0, 2000), timedOut: false }), 250);
        } else {
          done({ status: finalStatus(text), body: text.slice(0, 2000), timedOut: false });
        }
        return;
      }
      if (c.kind === 'raw' && finalStatus(text) !== null && /\r\n\r\n/.test(text)) {
        // Give the body a moment, for the report.
        setTimeout(() => done({ status: finalStatus(text), body: received.toString('latin1').slice(0, 4000), timedOut: false }), 50);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const text = received.toString('latin1');
      done({ status: upgraded ? 101 : finalStatus(text), body: text.slice(0, 2000), timedOut: false, error: err.code ?? err.message });
    });
    socket.on('close', () => {
      const text = received.toString('latin1');
      done({ status: upgraded ? 101 : finalStatus(text), body: text.slice(0, 4000), timedOut: false });
    });
  });
}

export function send(c: FuzzCase, agent: http.Agent, timeoutMs: number): Promise<Outcome> {
  return c.kind === 'http' ? sendHttp(c, agent, timeoutMs) : sendRaw(c, timeoutMs);
}

/** One line naming a case, for reports. */
export function describe(c: FuzzCase): string {
  if (c.kind === 'http') {
    const body = c.body ? ` body(${c.body.length} B)=${JSON.stringify(c.body.subarray(0, 200).toString('latin1'))}` : '';
    return `${c.listener} :${c.port} ${c.method} ${c.path.slice(0, 300)}${body}`;
  }
  if (c.kind === 'ws') return `${c.listener} :${c.port} ${c.label} (${c.frames.length} frame(s))`;
  return `${c.listener} :${c.port} ${c.label} ${JSON.stringify(c.bytes.subarray(0, 200).toString('latin1'))}`;
}
