// The old image proxy (GET /v2.1/images, /images/detail, /images/{id}): glance's images in
// Nova's shape, with the caller's token. Removed from microversion 2.36, as in Nova.
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { ApiFault, notFound } from '../faults.js';
import { authorize, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { imageBasic, imageDetail } from '../views/image-view.js';

function proxyAvailable(c: Call): void {
  if (atLeast(c.st.version, '2.36')) throw new ApiFault(404, 'The resource could not be found.');
  authorize(c, 'os_compute_api:image-size');
}

async function listImages(c: Call, detail: boolean): Promise<Reply> {
  proxyAvailable(c);
  const query: Record<string, string> = {};
  for (const k of ['name', 'status', 'limit', 'marker']) {
    const v = queryOne(c, k);
    if (v) query[k] = v;
  }
  const images = await c.deps.glance.listImages(c.st.token, query);
  const glanceUrl = c.deps.settings.glanceUrl;
  return ok({ images: images.map((i) => (detail ? imageDetail(i, c.st.base, glanceUrl) : imageBasic(i, c.st.base, glanceUrl))) });
}

export function imageRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/images')
    .get(handle(deps, (c) => listImages(c, false)))
    .all(methodNotAllowed);
  r.route('/images/detail')
    .get(handle(deps, (c) => listImages(c, true)))
    .all(methodNotAllowed);
  r.route('/images/:id')
    .get(
      handle(deps, async (c) => {
        proxyAvailable(c);
        const img = await c.deps.glance.getImage(c.st.token, c.params.id!);
        if (!img) throw notFound('Image not found.');
        return ok({ image: imageDetail(img, c.st.base, c.deps.settings.glanceUrl) });
      }),
    )
    .all(methodNotAllowed);
  return r;
}
