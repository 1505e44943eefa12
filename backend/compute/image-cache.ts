// Course step 11: a compute host fetches an image from the image service into its own cache,
// once per host, checking the checksum; later instances reuse the cached copy. Before any use,
// the bytes are checked again to be what glance says they are (Nova's fetch_to_raw and format
// inspector): the same inspection glance made at upload, so a base disk is never a file that
// names host files, and its format and virtual size are the verified ones.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ServiceTokenSource } from '../common/service-auth.js';
import { DISK_FORMATS, type DiskFormat } from '../../contract/disk-formats.js';
import { inspectImageFile, qemuFormatOf, qemuImgRunner, type QemuImgRunner, type Verdict } from '../shared/image-inspection/inspector.js';
import { BASE_DISK_FORMATS, type BaseDiskFormat } from './driver.js';

export interface ImageRecord {
  id: string;
  name: string;
  checksum: string | null;
  size: number | null;
  disk_format: string;
  [k: string]: unknown;
}
export type FetchProgress = (p: { image_id: string; name: string; bytes: number; total: number | null; cached: boolean }) => void;

/** A cached image whose bytes were verified: its format as qemu reads it, and its virtual size. */
export interface CachedImage {
  file: string;
  format: BaseDiskFormat;
  virtualSize: number;
}

/** Nova's ImageUnacceptable: the bytes are not what the image claims, or carry a host reference. */
export class ImageUnacceptable extends Error {
  override readonly name = 'ImageUnacceptable';
  constructor(
    readonly imageId: string,
    reason: string,
  ) {
    super(`Image ${imageId} is unacceptable: ${reason}`);
  }
}

export class ImageCache {
  private inflight = new Map<string, Promise<string>>();
  private verified = new Map<string, Promise<CachedImage>>();

  constructor(
    private dir: string,
    private glanceUrl: string,
    private auth: ServiceTokenSource,
    private qemuImg: QemuImgRunner = qemuImgRunner(),
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  async describe(id: string): Promise<ImageRecord> {
    const res = await fetch(`${this.glanceUrl}/v2/images/${encodeURIComponent(id)}`, {
      headers: { 'X-Auth-Token': await this.auth.token() },
    });
    if (!res.ok) throw new Error(`image ${id} could not be read from the image service (${res.status})`);
    return (await res.json()) as ImageRecord;
  }

  /** The image's bytes on this host, verified; a copy that fails the check is removed. */
  async fetch(image: ImageRecord, onProgress: FetchProgress): Promise<CachedImage> {
    const file = await this.fetchFile(image, onProgress);
    // Once per image and process, as Nova inspects once per base file: the data under an id never changes.
    let verified = this.verified.get(image.id);
    if (!verified) {
      verified = this.verify(image, file);
      this.verified.set(image.id, verified);
      verified.catch(() => this.verified.delete(image.id));
    }
    return verified;
  }

  private async verify(image: ImageRecord, file: string): Promise<CachedImage> {
    const claimed = image.disk_format as DiskFormat;
    const verdict: Verdict = (DISK_FORMATS as readonly string[]).includes(claimed)
      ? await inspectImageFile(file, claimed, fs.statSync(file).size, this.qemuImg).catch((err: Error): Verdict => ({
          ok: false,
          reason: `it could not be inspected: ${err.message}`,
        }))
      : { ok: false, reason: `disk format ${JSON.stringify(image.disk_format)} is not one novalab knows` };
    if (!verdict.ok) {
      fs.rmSync(file, { force: true });
      // qemu-img's messages may name the cache file: the fault is shown to users, the path is not theirs.
      throw new ImageUnacceptable(image.id, verdict.reason.replaceAll(file, image.id));
    }
    const format = qemuFormatOf(claimed) ?? 'raw'; // kernels and ramdisks are files, never disks
    if (!(BASE_DISK_FORMATS as readonly string[]).includes(format))
      throw new ImageUnacceptable(image.id, `qemu format ${format} cannot back a disk`);
    return { file, format: format as BaseDiskFormat, virtualSize: verdict.virtualSize };
  }

  /** The local path of the image's bytes, downloading them first if this host has not yet. */
  private fetchFile(image: ImageRecord, onProgress: FetchProgress): Promise<string> {
    const file = path.join(this.dir, image.id);
    if (fs.existsSync(file)) {
      onProgress({ image_id: image.id, name: image.name, bytes: image.size ?? 0, total: image.size, cached: true });
      return Promise.resolve(file);
    }
    const running = this.inflight.get(image.id);
    if (running) return running;
    const p = this.download(image, file, onProgress).finally(() => this.inflight.delete(image.id));
    this.inflight.set(image.id, p);
    return p;
  }

  private async download(image: ImageRecord, file: string, onProgress: FetchProgress): Promise<string> {
    const res = await fetch(`${this.glanceUrl}/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': await this.auth.token() } });
    if (res.status !== 200 || !res.body)
      throw new Error(`image ${image.name} (${image.id}) has no data in the image service (${res.status})`);
    const part = `${file}.part-${process.pid}`;
    const out = fs.createWriteStream(part);
    const md5 = createHash('md5');
    let bytes = 0;
    let reported = 0;
    const total = Number(res.headers.get('content-length')) || image.size;
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        md5.update(chunk);
        bytes += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        if (bytes - reported >= 4 * 1024 * 1024) {
          reported = bytes;
          onProgress({ image_id: image.id, name: image.name, bytes, total, cached: false });
        }
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const sum = md5.digest('hex');
      if (image.checksum && sum !== image.checksum)
        throw new Error(`image ${image.name}: checksum ${sum} does not match ${image.checksum}`);
      fs.renameSync(part, file);
      onProgress({ image_id: image.id, name: image.name, bytes, total, cached: false });
      return file;
    } catch (err) {
      out.destroy();
      fs.rmSync(part, { force: true });
      throw err;
    }
  }
}
