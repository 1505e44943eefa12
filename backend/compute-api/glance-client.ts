// Glance v2 as nova-api reads it: one image by id (for POST /servers and the image proxy) and
// image lists, always with the caller's own token.
import type { GlanceClient, ImagePatchOp } from './deps.js';
import type { GlanceImage } from './views/image-view.js';
import { ApiFault } from './faults.js';

/** Glance's error bodies are webob's plain text: "400 Bad Request", a blank line, the explanation. */
export function glanceExplanation(body: string): string {
  const text = body.trim();
  const blank = text.indexOf('\n\n');
  return (blank >= 0 ? text.slice(blank + 2) : text).trim().slice(0, 300);
}

/**
 * Pure: a refusal by glance as nova-api answers it (nova/image/glance.py translates glance's
 * errors): a bad query or reference is the client's 400 (Invalid / ImageBadRequest), 401 and
 * 403 are ImageNotAuthorized (403), 404 not found; only glance failing itself is a 503.
 */
export function glanceFault(status: number, body: string, imageId?: string): ApiFault {
  const why = glanceExplanation(body);
  if (status === 400) return new ApiFault(400, imageId ? `Request of image ${imageId} failed: ${why}` : why);
  if (status === 401 || status === 403) return new ApiFault(403, imageId ? `Not authorized for image ${imageId}.` : why);
  if (status === 404) return new ApiFault(404, imageId ? `Image ${imageId} could not be found.` : why);
  if (status === 413) return new ApiFault(403, imageId ? `Image quota exceeded for image ${imageId}.` : why);
  return new ApiFault(503, `The image service answered ${status}: ${why}`);
}

export function glanceClient(glanceUrl: string, fetchImpl: typeof fetch = fetch): GlanceClient {
  const get = async (token: string, path: string): Promise<Response> => {
    try {
      return await fetchImpl(`${glanceUrl}${path}`, { headers: { 'X-Auth-Token': token, Accept: 'application/json' } });
    } catch (err) {
      throw new ApiFault(503, `The image service (glance-api at ${glanceUrl}) did not answer: ${(err as Error).message}`);
    }
  };
  const send = async (token: string, method: string, path: string, body?: unknown, type = 'application/json'): Promise<Response> => {
    try {
      return await fetchImpl(`${glanceUrl}${path}`, {
        method,
        headers: { 'X-Auth-Token': token, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': type }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiFault(503, `The image service (glance-api at ${glanceUrl}) did not answer: ${(err as Error).message}`);
    }
  };
  const failed = async (res: Response, imageId?: string): Promise<never> => {
    throw glanceFault(res.status, await res.text().catch(() => ''), imageId);
  };
  return {
    async getImage(token, id) {
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(id)) return null;
      const res = await get(token, `/v2/images/${encodeURIComponent(id)}`);
      if (res.status === 404) {
        await res.arrayBuffer();
        return null;
      }
      if (!res.ok) return failed(res, id);
      return (await res.json()) as GlanceImage;
    },
    async listImages(token, query) {
      const out: GlanceImage[] = [];
      let path: string | null = `/v2/images?${new URLSearchParams(query).toString()}`;
      for (let page = 0; path && page < 100; page++) {
        const res = await get(token, path);
        if (!res.ok) return failed(res);
        const body = (await res.json()) as { images: GlanceImage[]; next?: string };
        out.push(...body.images);
        path = query.limit ? null : (body.next ?? null);
      }
      return out;
    },
    async createImage(token, body) {
      const res = await send(token, 'POST', '/v2/images', body);
      if (res.status !== 201) return failed(res);
      return (await res.json()) as GlanceImage;
    },
    async addMember(token, id, project) {
      const res = await send(token, 'POST', `/v2/images/${encodeURIComponent(id)}/members`, { member: project });
      if (!res.ok) return failed(res, id);
      await res.arrayBuffer();
    },
    async deleteImage(token, id) {
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(id)) throw glanceFault(404, '', id);
      const res = await send(token, 'DELETE', `/v2/images/${encodeURIComponent(id)}`);
      if (!res.ok) return failed(res, id);
      await res.arrayBuffer();
    },
    async patchImage(token, id, ops: ImagePatchOp[]) {
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(id)) throw glanceFault(404, '', id);
      const res = await send(token, 'PATCH', `/v2/images/${encodeURIComponent(id)}`, ops, 'application/openstack-images-v2.1-json-patch');
      if (!res.ok) return failed(res, id);
      return (await res.json()) as GlanceImage;
    },
  };
}
