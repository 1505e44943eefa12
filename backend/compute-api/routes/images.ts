// The compute API's image proxy, as Nova's (gone from microversion 2.36; its metadata calls
// from 2.39): glance's images in Nova's shape, with the caller's token. Lists take Nova's
// filters (name, status, changes-since, server, type, minRam, minDisk, property-*, limit,
// marker); DELETE deletes in glance; /images/{id}/metadata reads and writes the image's
// custom properties, with Nova's errors and its metadata_items quota.
import { Router, type Request, type Response } from 'express';
import type { ApiDeps, ImagePatchOp } from '../deps.js';
import { ApiFault, badRequest, forbidden, notFound } from '../faults.js';
import { authorize, empty, handle, ok, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { imageListQuery } from '../image-list-query.js';
import { compile, T } from '../validation.js';
import { imageBasic, imageDetail, imageProperties, type GlanceImage } from '../views/image-view.js';

const gone = () => new ApiFault(404, 'The resource could not be found.');

function proxyAvailable(c: Call): void {
  if (atLeast(c.st.version, '2.36')) throw gone();
  authorize(c, 'os_compute_api:image-size');
}

/** The metadata calls live on to 2.38 (Nova's MAX_IMAGE_META_PROXY_API_VERSION). */
function metadataAvailable(c: Call): void {
  if (atLeast(c.st.version, '2.39')) throw gone();
}

async function listImages(c: Call, detail: boolean): Promise<Reply> {
  proxyAvailable(c);
  const q = imageListQuery(c.query);
  const images = (await c.deps.glance.listImages(c.st.token, q.glance)).filter(
    (i) =>
      (q.changesSince === null || Date.parse(String(i.updated_at)) >= q.changesSince) &&
      (q.minRam === null || Number(i.min_ram ?? 0) >= q.minRam) &&
      (q.minDisk === null || Number(i.min_disk ?? 0) >= q.minDisk),
  );
  const glanceUrl = c.deps.settings.glanceUrl;
  return ok({ images: images.map((i) => (detail ? imageDetail(i, c.st.base, glanceUrl) : imageBasic(i, c.st.base, glanceUrl))) });
}

async function imageOr404(c: Call): Promise<GlanceImage> {
  const img = await c.deps.glance.getImage(c.st.token, c.params.id!);
  if (!img) throw notFound('Image not found.');
  return img;
}

async function deleteImage(c: Call): Promise<Reply> {
  proxyAvailable(c);
  try {
    await c.deps.glance.deleteImage(c.st.token, c.params.id!);
  } catch (err) {
    if (err instanceof ApiFault && err.status === 404) throw notFound('Image not found.');
    if (err instanceof ApiFault && err.status === 403) throw forbidden('You are not allowed to delete the image.');
    throw err;
  }
  return empty(204);
}

const checkMetadata = compile<{ metadata: Record<string, string> }>({
  type: 'object',
  properties: { metadata: T.metadata },
  required: ['metadata'],
  additionalProperties: false,
});
const checkMeta = compile<{ meta: Record<string, string> }>({
  type: 'object',
  properties: { meta: { ...T.metadata, minProperties: 1, maxProperties: 1 } },
  required: ['meta'],
  additionalProperties: false,
});

async function checkQuota(c: Call, props: Record<string, string>): Promise<void> {
  const quota = await c.deps.conductor.call.quota_get(c.st.auth.project_id);
  if (quota.metadata_items >= 0 && Object.keys(props).length > quota.metadata_items) throw forbidden('Image metadata limit exceeded');
}

const pointer = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The patch that turns `from` into `to` (Nova's glance client with purge_props). */
export function propertyPatch(from: Record<string, string>, to: Record<string, string>, purge: boolean): ImagePatchOp[] {
  const ops: ImagePatchOp[] = [];
  if (purge) for (const k of Object.keys(from)) if (!(k in to)) ops.push({ op: 'remove', path: pointer(k) });
  for (const [k, v] of Object.entries(to)) {
    if (from[k] === v) continue;
    ops.push({ op: k in from ? 'replace' : 'add', path: pointer(k), value: v });
  }
  return ops;
}

async function writeProperties(c: Call, img: GlanceImage, to: Record<string, string>, purge: boolean): Promise<Record<string, string>> {
  const ops = propertyPatch(imageProperties(img), to, purge);
  if (ops.length === 0) return imageProperties(img);
  try {
    return imageProperties(await c.deps.glance.patchImage(c.st.token, img.id, ops));
  } catch (err) {
    if (err instanceof ApiFault && err.status === 404) throw notFound('Image not found.');
    throw err;
  }
}

async function metadataCall(c: Call, op: 'list' | 'create' | 'replace'): Promise<Reply> {
  metadataAvailable(c);
  const body = op === 'list' ? null : checkMetadata(c.body).metadata;
  const img = await imageOr404(c);
  const current = imageProperties(img);
  if (!body) return ok({ metadata: current });
  const wanted = op === 'create' ? { ...current, ...body } : body;
  await checkQuota(c, wanted);
  const after = await writeProperties(c, img, wanted, op === 'replace');
  return ok({ metadata: op === 'replace' ? body : after });
}

async function metadataItem(c: Call, op: 'show' | 'update' | 'delete'): Promise<Reply> {
  metadataAvailable(c);
  const key = c.params.key!;
  const meta = op === 'update' ? checkMeta(c.body).meta : null;
  if (meta && !(key in meta)) throw badRequest('Request body and URI mismatch');
  const img = await imageOr404(c);
  const current = imageProperties(img);
  if (op === 'show') {
    if (!(key in current)) throw gone();
    return ok({ meta: { [key]: current[key] } });
  }
  if (op === 'delete') {
    if (!(key in current)) throw notFound('Invalid metadata key');
    await writeProperties(c, img, Object.fromEntries(Object.entries(current).filter(([k]) => k !== key)), true);
    return empty(204);
  }
  const wanted = { ...current, [key]: meta![key]! };
  await checkQuota(c, wanted);
  await writeProperties(c, img, wanted, false);
  return ok({ meta: { [key]: meta![key] } });
}

/** DELETE /images/ (no id): Nova's router has no such path. */
function blankId(req: Request, res: Response, next: (err?: unknown) => void): void {
  if (req.path.endsWith('/')) return next(gone());
  methodNotAllowed(req, res, next);
}

export function imageRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/images')
    .get(handle(deps, (c) => listImages(c, false)))
    .delete(blankId)
    .all(methodNotAllowed);
  r.route('/images/detail')
    .get(handle(deps, (c) => listImages(c, true)))
    .all(methodNotAllowed);
  r.route('/images/:id')
    .get(
      handle(deps, async (c) => {
        proxyAvailable(c);
        return ok({ image: imageDetail(await imageOr404(c), c.st.base, c.deps.settings.glanceUrl) });
      }),
    )
    .delete(handle(deps, deleteImage))
    .all(methodNotAllowed);
  r.route('/images/:id/metadata')
    .get(handle(deps, (c) => metadataCall(c, 'list')))
    .post(handle(deps, (c) => metadataCall(c, 'create')))
    .put(handle(deps, (c) => metadataCall(c, 'replace')))
    .all(methodNotAllowed);
  r.route('/images/:id/metadata/:key')
    .get(handle(deps, (c) => metadataItem(c, 'show')))
    .put(handle(deps, (c) => metadataItem(c, 'update')))
    .delete(handle(deps, (c) => metadataItem(c, 'delete')))
    .all(methodNotAllowed);
  return r;
}
