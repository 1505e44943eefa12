// The guest's road to the metadata service. QEMU's user network runs this program once per
// guest connection to 169.254.169.254:80 (`guestfwd=…-cmd:node metadata-forwarder.js …`),
// with the connection on stdin/stdout:
//
//   node metadata-forwarder.js <metadata-host:port> <instance-uuid> <hmac-secret-file>
//
// It reads one GET request (HTTP/1.0 or 1.1, head at most 8 KiB), asks the metadata API on
// loopback for the same path with the instance's identity attached as Nova's neutron
// metadata proxy does — X-Instance-ID and X-Instance-ID-Signature, the hex HMAC-SHA256 of
// the id keyed with the shared secret — and writes the answer back, then exits.
// The guest cannot choose its identity: none of its headers are passed on. Because libslirp
// also hands the connection over as stderr, this program never writes to stderr.
import { readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { secretText, signInstanceId } from '../../../shared/metadata-signature.js';

export const MAX_REQUEST_HEAD = 8 * 1024;
const MAX_RESPONSE_BODY = 1024 * 1024;
const TIMEOUT_MS = 10_000;

export type ParsedHead = { kind: 'incomplete' } | { kind: 'get'; path: string } | { kind: 'reject'; status: number; reason: string };

/** Reads the request head out of what the guest has sent so far. */
export function parseRequestHead(received: Buffer): ParsedHead {
  const text = received.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) {
    return received.length > MAX_REQUEST_HEAD
      ? { kind: 'reject', status: 431, reason: 'Request Header Fields Too Large' }
      : { kind: 'incomplete' };
  }
  if (end > MAX_REQUEST_HEAD) return { kind: 'reject', status: 431, reason: 'Request Header Fields Too Large' };
  const match = /^([A-Z]+) (\/[\x21-\x7e]{0,2047}) HTTP\/1\.[01]\r?$/.exec(text.slice(0, text.search(/\r?\n/)));
  if (!match) return { kind: 'reject', status: 400, reason: 'Bad Request' };
  if (match[1] !== 'GET') return { kind: 'reject', status: 405, reason: 'Method Not Allowed' };
  return { kind: 'get', path: match[2]! }; // the regex's groups are not optional
}

/** The shared secret, as stored in its file. */
export function readSecret(file: string): string {
  return secretText(readFileSync(file, 'utf8'));
}

export function formatResponse(status: number, reason: string, contentType: string, body: Buffer): Buffer {
  const head =
    `HTTP/1.0 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\n` +
    `Content-Type: ${contentType.replace(/[\r\n]/g, ' ')}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function plainResponse(status: number, reason: string): Buffer {
  return formatResponse(status, reason, 'text/plain', Buffer.from(`${status} ${reason}\n`));
}

/** Splits `host:port` (or `[v6]:port`). */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) throw new Error(`bad metadata address ${address}`);
  return { host: match[1]!, port: Number(match[2]) }; // the regex's groups are not optional
}

function readRequest(): Promise<ParsedHead> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (head: ParsedHead) => {
      process.stdin.pause();
      process.stdin.removeAllListeners('data');
      resolve(head);
    };
    process.stdin.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const head = parseRequestHead(received);
      if (head.kind !== 'incomplete') finish(head);
    });
    process.stdin.on('end', () => finish({ kind: 'reject', status: 400, reason: 'Bad Request' }));
    process.stdin.on('error', () => finish({ kind: 'reject', status: 400, reason: 'Bad Request' }));
  });
}

interface Upstream {
  address: string;
  instanceId: string;
  secret: string;
}

function askMetadataApi(path: string, up: Upstream): Promise<Buffer> {
  const { host, port } = parseAddress(up.address);
  const headers = {
    Accept: '*/*',
    'X-Instance-ID': up.instanceId,
    'X-Instance-ID-Signature': signInstanceId(up.instanceId, up.secret),
  };
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', headers, agent: false, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BODY) req.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const contentType = String(res.headers['content-type'] ?? 'text/plain');
        resolve(formatResponse(res.statusCode ?? 502, res.statusMessage ?? '', contentType, Buffer.concat(chunks)));
      });
      res.on('error', (err) => resolve(gatewayError(err)));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(gatewayError(err)));
    req.end();
  });
}

function gatewayError(err: Error): Buffer {
  return err.message === 'timeout' ? plainResponse(504, 'Gateway Timeout') : plainResponse(502, 'Bad Gateway');
}

function reply(response: Buffer, code: number): void {
  process.stdout.write(response, () => process.exit(code));
}

async function main(argv: string[]): Promise<void> {
  const [address, instanceId, secretFile] = argv;
  let upstream: Upstream;
  try {
    if (argv.length !== 3 || address === undefined || instanceId === undefined || secretFile === undefined) {
      throw new Error('usage');
    }
    parseAddress(address);
    upstream = { address, instanceId, secret: readSecret(secretFile) };
  } catch {
    return reply(plainResponse(500, 'Internal Server Error'), 2);
  }
  const head = await readRequest();
  if (head.kind === 'reject') return reply(plainResponse(head.status, head.reason), 0);
  if (head.kind === 'get') reply(await askMetadataApi(head.path, upstream), 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  // Nothing may reach stderr (it is the guest's connection): fail quietly instead.
  process.on('uncaughtException', () => process.exit(1));
  setTimeout(() => process.exit(1), 2 * TIMEOUT_MS).unref();
  void main(process.argv.slice(2));
}
