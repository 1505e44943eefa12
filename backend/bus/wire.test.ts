import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameReader, type BusFrame } from './wire.js';

const feed = (bytes: Buffer, chunkSize: number): BusFrame[] => {
  const frames: BusFrame[] = [];
  const read = frameReader((f) => frames.push(f));
  for (let i = 0; i < bytes.length; i += chunkSize) read(bytes.subarray(i, i + chunkSize));
  return frames;
};

test('frames split at any byte, even inside a multi-byte character, arrive whole and in order', () => {
  const frames: BusFrame[] = [
    { op: 'listen', topic: 'conductor' },
    { op: 'reply', id: 'c1:7', result: { name: '实例-云主机', note: 'é'.repeat(3000) } },
    { op: 'cast', topic: 'compute.host-a', method: 'build_and_run_instance', args: [{ uuid: 'u' }] },
  ];
  const bytes = Buffer.from(frames.map((f) => JSON.stringify(f) + '\n').join(''));
  for (const size of [1, 2, 3, 7, 1024, bytes.length]) assert.deepEqual(feed(bytes, size), frames, `chunks of ${size} bytes`);
});

test('a partial frame waits for its newline; empty lines are skipped', () => {
  const got: BusFrame[] = [];
  const read = frameReader((f) => got.push(f));
  read(Buffer.from('\n{"op":"subscr'));
  assert.equal(got.length, 0);
  read(Buffer.from('ibe"}\n\n{"op":"listen","topic":"x"}'));
  assert.deepEqual(got, [{ op: 'subscribe' }]);
  read(Buffer.from('\n'));
  assert.deepEqual(got, [{ op: 'subscribe' }, { op: 'listen', topic: 'x' }]);
});
