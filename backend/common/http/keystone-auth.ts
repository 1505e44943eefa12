// Token validation for every service but identity: ask keystone (GET /v3/auth/tokens with
// the token validating itself) and cache the answer briefly, so a revoked token stops working
// within seconds without a round trip per request.
import { createHash } from 'node:crypto';

export interface AuthContext {
  token_hash: string;
  user_id: string;
  user_name: string;
  project_id: string;
  project_name: string;
  roles: string[];
  is_admin: boolean;
  expires_at: string;
}

export interface TokenValidator {
  validate(token: string): Promise<AuthContext | null>;
}

const CACHE_MS = 5_000;

export function keystoneValidator(identityUrl: string, fetchImpl: typeof fetch = fetch): TokenValidator {
  const cache = new Map<string, { ctx: AuthContext | null; until: number }>();
  return {
    async validate(token) {
      if (!token || token.length > 512) return null;
      const hash = createHash('sha256').update(token).digest('hex');
      const hit = cache.get(hash);
      if (hit && hit.until > Date.now()) return hit.ctx;
      const res = await fetchImpl(`${identityUrl}/v3/auth/tokens`, {
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      });
      let ctx: AuthContext | null = null;
      if (res.ok) {
        const body = (await res.json()) as { token: TokenBody };
        ctx = toContext(hash, body.token);
      } else {
        await res.arrayBuffer();
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { ctx, until: Date.now() + CACHE_MS });
      return ctx;
    },
  };
}

interface TokenBody {
  expires_at: string;
  user: { id: string; name: string };
  project?: { id: string; name: string };
  roles?: { name: string }[];
}

function toContext(hash: string, t: TokenBody): AuthContext | null {
  if (!t.project || Date.parse(t.expires_at) <= Date.now()) return null;
  const roles = (t.roles ?? []).map((r) => r.name);
  return {
    token_hash: hash,
    user_id: t.user.id,
    user_name: t.user.name,
    project_id: t.project.id,
    project_name: t.project.name,
    roles,
    is_admin: roles.includes('admin'),
    expires_at: t.expires_at,
  };
}
