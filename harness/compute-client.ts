// A small compute API client for tests: servers, flavors, images, in the shapes Nova returns.
import type { LabHandle } from './lab-process.js';
import { eventually, labToken } from './lab-process.js';

export interface ServerView {
  id: string;
  name: string;
  status: string;
  fault?: { message: string };
  'OS-EXT-SRV-ATTR:host'?: string | null;
  [k: string]: unknown;
}

export class ComputeClient {
  private constructor(
    private lab: LabHandle,
    private token: string,
    private version: string,
  ) {}

  static async admin(lab: LabHandle, version = '2.79'): Promise<ComputeClient> {
    return new ComputeClient(lab, await labToken(lab), version);
  }

  /** A client signed in as `user` (e.g. demo/demo, a member of project demo). */
  static async user(lab: LabHandle, user: string, password: string, project = user, version = '2.79'): Promise<ComputeClient> {
    return new ComputeClient(lab, await labToken(lab, user, password, project), version);
  }

  /** The keystone token this client sends. */
  get authToken(): string {
    return this.token;
  }

  /** The project the client's token is scoped to. */
  async projectId(): Promise<string> {
    const res = await fetch(this.lab.url('keystone', '/v3/auth/tokens'), {
      headers: { 'X-Auth-Token': this.token, 'X-Subject-Token': this.token },
    });
    return ((await res.json()) as { token: { project: { id: string } } }).token.project.id;
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const { status, text, headers } = await this.requestText(method, path, body);
    return { status, body: text ? JSON.parse(text) : null, headers };
  }

  /** The response as received, not yet parsed. */
  async requestText(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(this.lab.url('osapi_compute', `/v2.1${path}`), {
      method,
      headers: {
        'X-Auth-Token': this.token,
        'OpenStack-API-Version': `compute ${this.version}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async imageId(name: string): Promise<string> {
    const res = await fetch(this.lab.url('glance-api', `/v2/images?name=${encodeURIComponent(name)}`), {
      headers: { 'X-Auth-Token': this.token },
    });
    const body = (await res.json()) as { images: { id: string }[] };
    if (!body.images[0]) throw new Error(`no image ${name}`);
    return body.images[0].id;
  }

  async createImage(name: string, properties: Record<string, string>, like: string): Promise<string> {
    // A copy of a lab image's metadata (kernel, ramdisk) with other properties; its disk
    // bytes are a tiny valid qcow2 header-less raw blob, enough for the fake driver.
    const base = (await (
      await fetch(this.lab.url('glance-api', `/v2/images/${await this.imageId(like)}`), { headers: { 'X-Auth-Token': this.token } })
    ).json()) as Record<string, string>;
    const res = await fetch(this.lab.url('glance-api', '/v2/images'), {
      method: 'POST',
      headers: { 'X-Auth-Token': this.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        disk_format: 'raw',
        container_format: 'bare',
        visibility: 'public',
        kernel_id: base.kernel_id,
        ramdisk_id: base.ramdisk_id,
        ...properties,
      }),
    });
    const image = (await res.json()) as { id: string };
    const put = await fetch(this.lab.url('glance-api', `/v2/images/${image.id}/file`), {
      method: 'PUT',
      headers: { 'X-Auth-Token': this.token, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(1024 * 1024),
    });
    if (put.status !== 204) throw new Error(`upload of ${name}: ${put.status} ${await put.text()}`);
    return image.id;
  }

  async createServer(name: string, imageRef: string, flavorRef: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await this.request('POST', '/servers', { server: { name, imageRef, flavorRef, networks: 'none', ...extra } });
    if (r.status !== 202) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.server.id as string;
  }

  async server(id: string): Promise<ServerView> {
    return (await this.request('GET', `/servers/${id}`)).body.server as ServerView;
  }

  /** Wait until the server leaves BUILD; returns its final view. */
  async settled(id: string, ms = 60_000): Promise<ServerView> {
    return eventually(
      `server ${id} to leave BUILD`,
      async () => {
        const s = await this.server(id);
        return s.status === 'BUILD' ? null : s;
      },
      ms,
      100,
    );
  }
}
