// The metadefs HTTP face (/v2/metadefs/...) and its schemas: thin handlers over MetadefService.
import express, { type Request, type Response, type Router } from 'express';
import { GlanceError } from '../errors.js';
import { verifyJsonDepth } from '../../common/http/json-depth.js';
import type { Caller } from '../image-record.js';
import { apiTime } from '../image-record.js';
import { namespaceHref, toApiAssociation, toApiNamespace, toApiObject, toApiProperty, toApiTag } from './model.js';
import { METADEF_SCHEMAS } from './schemas.js';
import type { MetadefService, NamespaceQuery } from './service.js';

const caller = (res: Response) => res.locals.caller as Caller;
const p = (req: Request, name: string) => String(req.params[name]);
const NS = '/v2/metadefs/namespaces/:namespace';

const methodNotAllowed = (allow: string) => (_req: Request, res: Response) => {
  res.set('Allow', allow);
  throw new GlanceError(405, 'The method is not allowed for this resource.');
};

export function metadefRoutes(md: MetadefService, jsonLimit: string): Router {
  const r = express.Router({ strict: true });
  const json = express.json({ limit: jsonLimit, verify: verifyJsonDepth() });
  const ns = (req: Request) => p(req, 'namespace');

  r.route('/v2/metadefs/namespaces')
    .get((req, res) => {
      const page = md.listNamespaces(req.query as NamespaceQuery, caller(res));
      const params = new URLSearchParams(req.query as Record<string, string>);
      params.delete('marker');
      const query = params.toString();
      let next: string | undefined;
      if (page.next) {
        params.set('marker', page.next);
        next = `/v2/metadefs/namespaces?${params.toString()}`;
      }
      res.json({
        namespaces: page.namespaces.map((n) => toApiNamespace(n, false)),
        first: query ? `/v2/metadefs/namespaces?${query}` : '/v2/metadefs/namespaces',
        schema: '/v2/schemas/metadefs/namespaces',
        ...(next ? { next } : {}),
      });
    })
    .post(json, async (req, res) => {
      const n = await md.createNamespace(req.body, caller(res));
      res.status(201).location(namespaceHref(n.namespace)).json(toApiNamespace(n, true));
    })
    .all(methodNotAllowed('GET, POST'));

  r.route(NS)
    .get((req, res) => {
      res.json(toApiNamespace(md.namespace(ns(req), caller(res)), true));
    })
    .put(json, async (req, res) => {
      res.json(toApiNamespace(await md.updateNamespace(ns(req), req.body, caller(res)), false));
    })
    .delete(async (req, res) => {
      await md.deleteNamespace(ns(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, PUT, DELETE'));

  r.route(`${NS}/objects`)
    .get((req, res) => {
      const n = md.namespace(ns(req), caller(res));
      res.json({ objects: n.objects.map((o) => toApiObject(n.namespace, o)), schema: '/v2/schemas/metadefs/objects' });
    })
    .post(json, async (req, res) => {
      res.status(201).json(toApiObject(ns(req), await md.createObject(ns(req), req.body, caller(res))));
    })
    .delete(async (req, res) => {
      await md.deleteObjects(ns(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, POST, DELETE'));
  r.route(`${NS}/objects/:object`)
    .get((req, res) => {
      res.json(toApiObject(ns(req), md.object(ns(req), p(req, 'object'), caller(res))));
    })
    .put(json, async (req, res) => {
      res.json(toApiObject(ns(req), await md.updateObject(ns(req), p(req, 'object'), req.body, caller(res))));
    })
    .delete(async (req, res) => {
      await md.deleteObject(ns(req), p(req, 'object'), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, PUT, DELETE'));

  r.route(`${NS}/properties`)
    .get((req, res) => {
      const n = md.namespace(ns(req), caller(res));
      const properties = Object.fromEntries(Object.entries(n.properties).map(([k, v]) => [k, toApiProperty(k, v)]));
      res.json({ properties, schema: '/v2/schemas/metadefs/properties' });
    })
    .post(json, async (req, res) => {
      res.status(201).json(toApiProperty(...(await md.createProperty(ns(req), req.body, caller(res)))));
    })
    .delete(async (req, res) => {
      await md.deleteProperties(ns(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, POST, DELETE'));
  r.route(`${NS}/properties/:property`)
    .get((req, res) => {
      res.json(toApiProperty(p(req, 'property'), md.property(ns(req), p(req, 'property'), caller(res))));
    })
    .put(json, async (req, res) => {
      res.json(toApiProperty(...(await md.updateProperty(ns(req), p(req, 'property'), req.body, caller(res)))));
    })
    .delete(async (req, res) => {
      await md.deleteProperty(ns(req), p(req, 'property'), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, PUT, DELETE'));

  r.route(`${NS}/tags`)
    .get((req, res) => {
      res.json({ tags: md.namespace(ns(req), caller(res)).tags.map(toApiTag) });
    })
    .post(json, async (req, res) => {
      const append = /^(true|1|yes|on|y|t)$/i.test(String(req.headers['x-openstack-append'] ?? ''));
      const created = await md.createTags(ns(req), req.body, caller(res), append);
      res.status(201).json({ tags: created.map((t) => ({ name: t.name })) });
    })
    .delete(async (req, res) => {
      await md.deleteTags(ns(req), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, POST, DELETE'));
  r.route(`${NS}/tags/:tag`)
    .get((req, res) => {
      res.json(toApiTag(md.tag(ns(req), p(req, 'tag'), caller(res))));
    })
    .post(async (req, res) => {
      res.status(201).json(toApiTag(await md.createTag(ns(req), p(req, 'tag'), caller(res))));
    })
    .put(json, async (req, res) => {
      res.json(toApiTag(await md.updateTag(ns(req), p(req, 'tag'), req.body, caller(res))));
    })
    .delete(async (req, res) => {
      await md.deleteTag(ns(req), p(req, 'tag'), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('GET, POST, PUT, DELETE'));

  r.route(`${NS}/resource_types`)
    .get((req, res) => {
      res.json({ resource_type_associations: md.namespace(ns(req), caller(res)).resource_type_associations.map(toApiAssociation) });
    })
    .post(json, async (req, res) => {
      res.status(201).json(toApiAssociation(await md.associate(ns(req), req.body, caller(res))));
    })
    .all(methodNotAllowed('GET, POST'));
  r.route(`${NS}/resource_types/:resource_type`)
    .delete(async (req, res) => {
      await md.dissociate(ns(req), p(req, 'resource_type'), caller(res));
      res.status(204).end();
    })
    .all(methodNotAllowed('DELETE'));

  r.route('/v2/metadefs/resource_types')
    .get((_req, res) => {
      res.json({
        resource_types: md
          .resourceTypes()
          .map((t) => ({ name: t.name, created_at: apiTime(t.created_at), updated_at: apiTime(t.updated_at) })),
      });
    })
    .all(methodNotAllowed('GET'));

  r.get('/v2/schemas/metadefs/:kind', (req, res) => {
    const doc = Object.hasOwn(METADEF_SCHEMAS, `metadefs/${p(req, 'kind')}`) ? METADEF_SCHEMAS[`metadefs/${p(req, 'kind')}`] : undefined;
    if (!doc) throw new GlanceError(404, `The resource could not be found: ${req.method} ${req.path}`);
    res.json(doc);
  });
  return r;
}
