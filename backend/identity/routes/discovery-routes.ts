// Unauthenticated version discovery (api-contract.md 1.1): every CLI run starts here.
import { Router } from 'express';
import { versionDocument } from '../token-body.js';
import type { IdentityDeps } from '../policy.js';

export function discoveryRoutes(deps: IdentityDeps): Router {
  const r = Router();
  const version = versionDocument(deps.config.urls.identity);
  r.get('/', (_req, res) => {
    res.status(300).json({ versions: { values: [version] } });
  });
  r.get('/v3', (_req, res) => {
    res.status(200).json({ version });
  });
  return r;
}
