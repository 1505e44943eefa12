// /v3/domains: read-only (only Default exists unless someone adds rows by hand). Admin only.
import { Router } from 'express';
import { notFound } from '../errors.js';
import { admin, param, query, type IdentityDeps } from '../policy.js';
import { domainView, listBody } from '../views.js';

export function domainRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const base = deps.config.urls.identity;
  r.get('/v3/domains', (req, res) => {
    admin(req, deps, 'list_domains');
    const name = query(req, 'name');
    const rows = deps.store.data.domains.filter((d) => name === undefined || d.name === name);
    res.json(
      listBody(
        'domains',
        rows.map((d) => domainView(d, base)),
        `${base}/v3/domains`,
      ),
    );
  });
  r.get('/v3/domains/:id', (req, res) => {
    admin(req, deps, 'get_domain');
    const domain = deps.store.domain({ id: param(req, 'id') });
    if (!domain) throw notFound('domain', param(req, 'id'));
    res.json({ domain: domainView(domain, base) });
  });
  return r;
}
