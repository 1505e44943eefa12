import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { frameReader, rawFrameReader, writeFrame, type BusFrame, type FrameHead } from './wire.js';

/** What writeFrame puts on the wire, as one buffer. */
const encode = (frames: BusFrame[]): Buffer => {
  const out: Buffer[] = [];
  const socket = {
    write: (x: string | Buffer) => {
      out.push(Buffer.from(x));
      return true;
    },
  } as unknown as Socket;
  for (const f of frames) writeFrame(socket, f);
  return Buffer.concat(out);
};

const feed = (bytes: Buffer, chunkSize: number): BusFrame[] => {
  const frames: BusFrame[] = [];
  const read = frameReader((f) => frames.push(f));
  for (let i = 0; i < bytes.length; i += chunkSize) read(bytes.subarray(i, i + chunkSize));
  return frames;
};

const FRAMES: BusFrame[] = [
  { op: 'listen', topic: 'conductor' },
  {
    op: 'call',
    id: '7',
    topic: 'conductor',
    method: 'instance_get',
    args: ['u-1', { include_deleted: true }],
    ctx: { request_id: 'req-1' },
    timeoutMs: 500,
  },
  { op: 'reply', id: 'c1:7', result: { name: '实例-云主机', note: 'é'.repeat(3000) } },
  { op: 'reply', id: 'c1:8', error: { name: 'NotFound', message: 'Instance u-2 could not be found.', code: 404 } },
  { op: 'cast', topic: 'compute.host-a', method: 'build_and_run_instance', args: [{ uuid: 'u' }] },
  { op: 'subscribe' },
];

test('frames split at any byte, even inside a multi-byte character, arrive whole and in order', () => {
  const bytes = encode(FRAMES);
  for (const size of [1, 2, 3, 7, 1024, bytes.length]) assert.deepEqual(feed(bytes, size), FRAMES, `chunks of ${size} bytes`);
});

test("the broker's view: headers decoded, data left as the bytes that carry it", () => {
  const seen: [FrameHead, Buffer | null][] = [];
  rawFrameReader((h, b) => seen.push([h, b]))(encode(FRAMES));
  assert.deepEqual(
    seen.map(([h]) => h.op),
    ['listen', 'call', 'reply', 'reply', 'cast', 'subscribe'],
  );
  assert.equal(seen[1]![0].args, undefined, 'no args in the header');
  assert.equal(seen[1]![0].method, 'instance_get');
  assert.deepEqual(JSON.parse(seen[1]![1]!.toString()), { args: ['u-1', { include_deleted: true }] });
  assert.equal(seen[2]![0].result, undefined, 'no result in the header');
  assert.equal(seen[0]![1], null);
});

test('a partial frame waits for the rest of its lines', () => {
  const bytes = encode([{ op: 'cast', topic: 't', method: 'm', args: [1] }]);
  const got: BusFrame[] = [];
  const read = frameReader((f) => got.push(f));
  const headEnd = bytes.indexOf(0x0a) + 1;
  read(bytes.subarray(0, headEnd));
  assert.equal(got.length, 0, 'a header alone is not a frame');
  read(bytes.subarray(headEnd));
  assert.deepEqual(got, [{ op: 'cast', topic: 't', method: 'm', args: [1] }]);
});
