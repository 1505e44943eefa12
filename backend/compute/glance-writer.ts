// nova-compute's writes to glance, with its service token (as Nova's compute uploads a
// snapshot with the user's context; the lab's compute has only its own `nova` service user,
// an admin to glance): the snapshot's formats, its bytes, and the image deletes of a backup's
// rotation and of an unshelve.
import fs from 'node:fs';
import type { ServiceTokenSource } from '../common/service-auth.js';

/** Glance answered that the image is gone (404, or 410 after an upload): deleted meanwhile. */
export class ImageGone extends Error {
  override readonly name = 'ImageGone';
  constructor(readonly imageId: string) {
    super(`image ${imageId} was deleted`);
  }
}

export interface ImageSummary {
  id: string;
  name: string;
  created_at: string;
  status: string;
}

export class GlanceWriter {
  constructor(
    private readonly glanceUrl: string,
    private readonly auth: ServiceTokenSource,
  ) {}

  private async req(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    return fetch(`${this.glanceUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': await this.auth.token(), ...(init.headers ?? {}) },
      body: init.body as BodyInit | undefined,
      ...(init.body && typeof init.body === 'object' && !(typeof init.body === 'string') ? { duplex: 'half' } : {}),
    } as RequestInit);
  }

  private async check(res: Response, id: string, what: string): Promise<void> {
    if (res.ok) {
      await res.arrayBuffer();
      return;
    }
    const text = (await res.text().catch(() => '')).trim().slice(0, 300);
    if (res.status === 404 || res.status === 410) throw new ImageGone(id);
    throw new Error(`glance refused to ${what} image ${id} (${res.status}): ${text}`);
  }

  /** The formats of the bytes about to be uploaded (glance wants them before the data). */
  async setFormats(id: string, diskFormat: string, containerFormat = 'bare'): Promise<void> {
    const ops = [
      { op: 'add', path: '/disk_format', value: diskFormat },
      { op: 'add', path: '/container_format', value: containerFormat },
    ];
    const res = await this.req('PATCH', `/v2/images/${id}`, {
      body: JSON.stringify(ops),
      headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
    });
    await this.check(res, id, 'update');
  }

  /** PUT the file's bytes: glance inspects them and makes the image active. */
  async upload(id: string, file: string): Promise<void> {
    const size = fs.statSync(file).size;
    const res = await this.req('PUT', `/v2/images/${id}/file`, {
      body: fs.createReadStream(file),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
    });
    await this.check(res, id, 'store the data of');
  }

  /** Deletes an image; one already gone is not an error. */
  async delete(id: string): Promise<void> {
    const res = await this.req('DELETE', `/v2/images/${id}`);
    await this.check(res, id, 'delete').catch((err: Error) => {
      if (!(err instanceof ImageGone)) throw err;
    });
  }

  /** Images with these properties, newest first (a backup's rotation). */
  async listByProperties(props: Record<string, string>): Promise<ImageSummary[]> {
    const q = new URLSearchParams({ ...props, sort_key: 'created_at', sort_dir: 'desc', limit: '1000' });
    const res = await this.req('GET', `/v2/images?${q.toString()}`);
    if (!res.ok) throw new Error(`glance refused the image list (${res.status})`);
    return ((await res.json()) as { images: ImageSummary[] }).images;
  }
}
