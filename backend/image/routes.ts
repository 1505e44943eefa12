// The Glance v2 HTTP face: thin handlers that turn requests into ImageService calls and
// records into Glance's JSON. Auth, request ids and error bodies live in http-app.ts.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import { GlanceError } from './errors.js';
import { verifyJsonDepth } from '../common/http/json-depth.js';
import type { Caller } from './image-record.js';
import { IMAGE_SCHEMA, IMAGES_SCHEMA } from './image-schema.js';
import type { ImageService } from './image-service.js';
import type { MemberService } from './member-service.js';
import { MEMBER_SCHEMA, MEMBERS_SCHEMA, toApiMember } from './members.js';
import { PATCH_MEDIA_TYPES, patchDraft } from './json-patch.js';
import type { RawQuery } from './list-query.js';
import { toApiImage } from './serialize.js';

export const JSON_LIMIT = '64kb';

const caller = (res: Response) => res.locals.caller as Caller;
const idParam = (req: Request) => String(req.params.id);

function requireMediaType(req: Request, types: string[]): void {
  if (!req.is(types)) {
    throw new GlanceError(415, `Unsupported Content-Type '${req.headers['content-type'] ?? ''}': use ${types[0]}`);
  }
}

const methodNotAllowed = (allow: string) => (_req: Request, res: Response) => {
  res.set('Allow', allow);
  throw new GlanceError(405, 'The method is not allowed for this resource.');
};

export function imageRoutes(images: ImageService, members: MemberService): Router {
  // Strict: GET /v2/images/ names an image with an empty id, a 404 as in Glance, not the list.
  const r = express.Router({ strict: true });
  const json = express.json({ limit: JSON_LIMIT, verify: verifyJsonDepth() });
  const jsonPatch = express.json({ limit: JSON_LIMIT, type: PATCH_MEDIA_TYPES, verify: verifyJsonDepth() });

  r.route('/v2/images')
    .get((req, res) => {
      const page = images.list(req.query as RawQuery, caller(res));
      res.json({
        images: page.images.map(toApiImage),
        schema: '/v2/schemas/images',
        first: '/v2/images',
        ...(page.next ? { next: page.next } : {}),
      });
    })
    .post(
      (req, _res, next) => {
        requireMediaType(req, ['application/json']);
        next();
      },
      json,
      async (req, res) => {
        const rec = await images.create(req.body, caller(res));
        res.status(201).location(`/v2/images/${rec.id}`).json(toApiImage(rec));
      },
    )
    .all(methodNotAllowed('GET, POST'));

  r.route('/v2/images/:id')
    .get((req, res) => {
      res.json(toApiImage(images.show(idParam(req), caller(res))));
    })
    .patch(
      (req, res, next) => {
        res.set('Accept-Patch', PATCH_MEDIA_TYPES.join(', '));
        requireMediaType(req, PATCH_MEDIA_TYPES);
        next();
      },
      jsonPatch,
      async (req, res) => {
        res.json(toApiImage(await images.patch(idParam(req), req.body, caller(res), patchDraft(req.headers['content-type']))));
      },
    )
    .delete(async (req, res) => {
      await images.delete(idParam(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, PATCH, DELETE'));

  r.route('/v2/images/:id/file')
    .put(async (req, res) => {
      if (req.headers['content-type'] !== undefined) requireMediaType(req, ['application/octet-stream']);
      const length = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
      await images.upload(idParam(req), caller(res), req, Number.isFinite(length) ? length : null);
      res.status(204).end();
    })
    .get(async (req, res) => {
      const data = images.download(idParam(req), caller(res));
      if (!data) return void res.status(204).end();
      const stream = fs.createReadStream(data.file);
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      res.status(200).set({ 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.size) });
      if (data.checksum) res.set('Content-MD5', data.checksum);
      await pipeline(stream, res).catch(() => res.destroy());
    })
    .all(methodNotAllowed('GET, PUT'));

  r.route('/v2/images/:id/tags/:tag')
    .put(async (req, res) => {
      await images.tag(idParam(req), String(req.params.tag), caller(res), true);
      res.status(204).end();
    })
    .delete(async (req, res) => {
      await images.tag(idParam(req), String(req.params.tag), caller(res), false);
      res.status(204).end();
    })
    .all(methodNotAllowed('PUT, DELETE'));

  for (const action of ['deactivate', 'reactivate'] as const)
    r.route(`/v2/images/:id/actions/${action}`)
      .post(async (req, res) => {
        await images.setActive(idParam(req), caller(res), action === 'reactivate');
        res.status(204).end();
      })
      .all(methodNotAllowed('POST'));

  const memberParam = (req: Request) => String(req.params.member);
  r.route('/v2/images/:id/members')
    .get((req, res) => {
      res.json({ members: members.list(idParam(req), caller(res)).map(toApiMember), schema: '/v2/schemas/members' });
    })
    .post(json, async (req, res) => {
      res.json(toApiMember(await members.add(idParam(req), req.body, caller(res))));
    })
    .all(methodNotAllowed('GET, POST'));
  r.route('/v2/images/:id/members/:member')
    .get((req, res) => {
      res.json(toApiMember(members.show(idParam(req), memberParam(req), caller(res))));
    })
    .put(json, async (req, res) => {
      res.json(toApiMember(await members.setStatus(idParam(req), memberParam(req), req.body, caller(res))));
    })
    .delete(async (req, res) => {
      await members.remove(idParam(req), memberParam(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, PUT, DELETE'));

  r.get('/v2/schemas/member', (_req, res) => {
    res.json(MEMBER_SCHEMA);
  });
  r.get('/v2/schemas/members', (_req, res) => {
    res.json(MEMBERS_SCHEMA);
  });
  r.get('/v2/schemas/image', (_req, res) => {
    res.json(IMAGE_SCHEMA);
  });
  r.get('/v2/schemas/images', (_req, res) => {
    res.json(IMAGES_SCHEMA);
  });
  return r;
}
