// Glance v2 as nova-api reads it: one image by id (for POST /servers and the image proxy) and
// image lists, always with the caller's own token.
import type { GlanceClient } from './deps.js';
import type { GlanceImage } from './views/image-view.js';
import { ApiFault } from './faults.js';

export function glanceClient(glanceUrl: string, fetchImpl: typeof fetch = fetch): GlanceClient {
  const get = async (token: string, path: string): Promise<Response> => {
    try {
      return await fetchImpl(`${glanceUrl}${path}`, { headers: { 'X-Auth-Token': token, Accept: 'application/json' } });
    } catch (err) {
      throw new ApiFault(503, `The image service (glance-api at ${glanceUrl}) did not answer: ${(err as Error).message}`);
    }
  };
  const failed = async (res: Response): Promise<never> => {
    const text = (await res.text()).slice(0, 300).trim();
    throw new ApiFault(res.status === 401 || res.status === 403 ? res.status : 503, `The image service answered ${res.status}: ${text}`);
  };
  return {
    async getImage(token, id) {
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(id)) return null;
      const res = await get(token, `/v2/images/${encodeURIComponent(id)}`);
      if (res.status === 404) { await res.arrayBuffer(); return null; }
      if (!res.ok) return failed(res);
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
        path = query.limit ? null : body.next ?? null;
      }
      return out;
    },
  };
}
