// The upload pipeline: request bytes → size cap → md5 + sha512 → a temporary file, with a
// progress callback about every MiB. The caller decides what happens to the file next.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GlanceError } from './errors.js';

export const PROGRESS_STEP = 1 << 20;

export interface Received {
  size: number;
  checksum: string;
  os_hash_value: string;
}

export interface ReceiveOptions {
  maxBytes: number;
  onProgress?: (bytes: number) => void;
}

export const tooLarge = (max: number) => new GlanceError(413, `Image exceeds the size limit of ${max} bytes ([novalab] image_size_cap).`);

/** Counts, hashes and caps the bytes that pass through. */
function meter(opts: ReceiveOptions) {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  let reported = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > opts.maxBytes) return done(tooLarge(opts.maxBytes));
      md5.update(chunk);
      sha512.update(chunk);
      if (opts.onProgress && size - reported >= PROGRESS_STEP) {
        reported = size;
        opts.onProgress(size);
      }
      done(null, chunk);
    },
  });
  return { stream, result: (): Received => ({ size, checksum: md5.digest('hex'), os_hash_value: sha512.digest('hex') }) };
}

/** Stream `source` into a new file at `tmpPath`; on any failure the file is gone. */
export async function receiveToFile(source: Readable, tmpPath: string, opts: ReceiveOptions): Promise<Received> {
  const m = meter(opts);
  // Opened first, so a failure to create it (the name exists) never removes someone else's file.
  const fh = await fs.promises.open(tmpPath, 'wx', 0o600);
  try {
    await pipeline(source, m.stream, fh.createWriteStream({ flush: true }));
  } catch (err) {
    await fs.promises.rm(tmpPath, { force: true });
    throw err;
  }
  const received = m.result();
  opts.onProgress?.(received.size);
  return received;
}

/** The same hashing for a file already on disk (lab images). */
export async function hashFile(file: string): Promise<Received> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    size += (chunk as Buffer).length;
    md5.update(chunk as Buffer);
    sha512.update(chunk as Buffer);
  }
  return { size, checksum: md5.digest('hex'), os_hash_value: sha512.digest('hex') };
}
