// /v3/services, /v3/endpoints, /v3/regions: the catalog as read-only resources, so
// `openstack service list`, `endpoint list` and `region list` show what tokens carry.
// The catalog comes from nova.conf; change the ports there, not here. Admin only.
import { Router } from 'express';
import { notFound } from '../errors.js';
import { admin, param, query, type IdentityDeps } from '../policy.js';
import { endpointView, listBody, regionView, serviceView } from '../views.js';

export function catalogRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const base = deps.config.urls.identity;
  const endpoints = () => deps.catalog.flatMap((s) => s.endpoints.map((e) => ({ e, s })));
  const regions = () => [...new Set(endpoints().map(({ e }) => e.region_id))];

  r.get('/v3/services', (req, res) => {
    admin(req, deps, 'list_services');
    const [type, name] = [query(req, 'type'), query(req, 'name')];
    const rows = deps.catalog.filter((s) => (type === undefined || s.type === type) && (name === undefined || s.name === name));
    res.json(
      listBody(
        'services',
        rows.map((s) => serviceView(s, base)),
        `${base}/v3/services`,
      ),
    );
  });
  r.get('/v3/services/:id', (req, res) => {
    admin(req, deps, 'get_service');
    const s = deps.catalog.find((x) => x.id === param(req, 'id'));
    if (!s) throw notFound('service', param(req, 'id'));
    res.json({ service: serviceView(s, base) });
  });
  r.get('/v3/endpoints', (req, res) => {
    admin(req, deps, 'list_endpoints');
    const [service, iface, region] = [query(req, 'service_id'), query(req, 'interface'), query(req, 'region_id')];
    const rows = endpoints().filter(
      ({ e, s }) =>
        (service === undefined || s.id === service) &&
        (iface === undefined || e.interface === iface) &&
        (region === undefined || e.region_id === region),
    );
    res.json(
      listBody(
        'endpoints',
        rows.map(({ e, s }) => endpointView(e, s, base)),
        `${base}/v3/endpoints`,
      ),
    );
  });
  r.get('/v3/endpoints/:id', (req, res) => {
    admin(req, deps, 'get_endpoint');
    const hit = endpoints().find(({ e }) => e.id === param(req, 'id'));
    if (!hit) throw notFound('endpoint', param(req, 'id'));
    res.json({ endpoint: endpointView(hit.e, hit.s, base) });
  });
  r.get('/v3/regions', (req, res) => {
    admin(req, deps, 'list_regions');
    res.json(
      listBody(
        'regions',
        regions().map((id) => regionView(id, base)),
        `${base}/v3/regions`,
      ),
    );
  });
  r.get('/v3/regions/:id', (req, res) => {
    admin(req, deps, 'get_region');
    const id = param(req, 'id');
    if (!regions().includes(id)) throw notFound('region', id);
    res.json({ region: regionView(id, base) });
  });
  return r;
}
