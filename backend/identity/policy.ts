// What the routes share: their dependencies, who is calling, and the two policy rules
// (admin anywhere is admin; otherwise only your own user and your own projects).
import type { Request } from 'express';
import type { Logger } from '../common/log.js';
import type { PublishedEvent } from '../bus/wire.js';
import { forbidden, unauthorized } from './errors.js';
import type { IdentityStore } from './identity-store.js';
import type { IdentityConfig } from './identity-config.js';
import type { CatalogEntry } from './token-body.js';
import type { ResolvedToken, TokenService } from './token-service.js';

export interface IdentityDeps {
  store: IdentityStore;
  tokens: TokenService;
  config: IdentityConfig;
  catalog: CatalogEntry[];
  publish(event: PublishedEvent): void;
  log: Logger;
}

/** The caller's token, resolved; 401 when it is missing or no longer valid. */
export function caller(req: Request, deps: IdentityDeps): ResolvedToken {
  const t = deps.tokens.resolve(req.get('x-auth-token'));
  if (!t) throw unauthorized();
  return t;
}

export const isAdmin = (t: ResolvedToken) => t.roles.some((r) => r.name === 'admin');

/** The caller, who must hold the admin role; 403 names the refused action. */
export function admin(req: Request, deps: IdentityDeps, action: string): ResolvedToken {
  const t = caller(req, deps);
  if (!isAdmin(t)) throw forbidden(`identity:${action}`);
  return t;
}

/** The caller, who must be the user `userId` or an admin. */
export function selfOrAdmin(req: Request, deps: IdentityDeps, userId: string, action: string): ResolvedToken {
  const t = caller(req, deps);
  if (t.user.id !== userId && !isAdmin(t)) throw forbidden(`identity:${action}`);
  return t;
}

/** Route parameters are strings in Express 5's types only when named; keep one accessor. */
export const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/** A single-valued query parameter, or undefined. */
export function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}
