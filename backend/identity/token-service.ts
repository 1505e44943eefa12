// Who may have a token, and what a token means now. Authentication checks a password (or an
// existing token, for re-scoping), resolves the scope and stores the new token's sha256 with
// its expiry. Resolution re-reads the user, project and role rows on every validation, so a
// disabled user, a deleted project or a removed role assignment ends the token at once.
import { createHash, randomBytes } from 'node:crypto';
import { AUTH_REQUIRED, badRequest, unauthorized } from './errors.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { IMPLIED_ROLES } from './bootstrap.js';
import {
  pruneExpiredTokens,
  type DomainRow,
  type IdentityStore,
  type ProjectRow,
  type RoleRow,
  type TokenRow,
  type UserRow,
} from './identity-store.js';
import type { AuthRequest, PasswordUser } from './schemas.js';
import type { TokenFacts } from './token-body.js';

export interface ResolvedToken {
  row: TokenRow;
  user: UserRow;
  userDomain: DomainRow;
  project?: ProjectRow;
  projectDomain?: DomainRow;
  /** Effective roles: the assigned ones and the roles they imply. */
  roles: RoleRow[];
}

export const hashToken = (raw: string) => createHash('sha256').update(raw).digest('hex');
const newAuditId = () => randomBytes(16).toString('base64url').slice(0, 22);

type Scope = NonNullable<AuthRequest['auth']['scope']>;

export class TokenService {
  constructor(
    private readonly store: IdentityStore,
    private readonly ttlMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The token's current meaning, or null if it is unknown, expired or no longer valid. */
  resolve(raw: string | undefined): ResolvedToken | null {
    if (!raw || raw.length > 512) return null;
    const row = this.store.token(hashToken(raw));
    if (!row || Date.parse(row.expires_at) <= this.clock().getTime()) return null;
    const user = this.store.user(row.user_id);
    const userDomain = user && this.store.domain({ id: user.domain_id });
    if (!user?.enabled || !userDomain?.enabled) return null;
    if (row.project_id === null) return { row, user, userDomain, roles: [] };
    const project = this.store.project(row.project_id);
    const projectDomain = project && this.store.domain({ id: project.domain_id });
    if (!project?.enabled || !projectDomain) return null;
    const roles = this.effectiveRoles(user.id, project.id);
    return roles.length ? { row, user, userDomain, project, projectDomain, roles } : null;
  }

  /** POST /v3/auth/tokens: a new token (returned once, never stored) and what it means. */
  async authenticate(req: AuthRequest): Promise<{ raw: string; token: ResolvedToken }> {
    const { identity, scope } = req.auth;
    const method = identity.methods[0];
    if (identity.methods.some((m) => m !== 'password' && m !== 'token')) {
      throw unauthorized('Attempted to authenticate with an unsupported method.');
    }
    if (method === 'password' && identity.password) {
      const user = await this.checkPassword(identity.password.user);
      const expires = new Date(this.clock().getTime() + this.ttlMs);
      return this.issue(user, this.scopeProject(user, scope), ['password'], [newAuditId()], expires);
    }
    if (method === 'token' && identity.token) {
      const parent = this.resolve(identity.token.id);
      if (!parent) throw unauthorized();
      const methods = [...new Set(['token', ...parent.row.methods])];
      const audit = [newAuditId(), parent.row.audit_ids[0]!];
      return this.issue(parent.user, this.scopeProject(parent.user, scope), methods, audit, new Date(parent.row.expires_at));
    }
    throw badRequest(`Expecting to find ${method} in identity.`);
  }

  async revoke(raw: string): Promise<void> {
    const hash = hashToken(raw);
    await this.store.update((d) => {
      d.tokens = d.tokens.filter((t) => t.hash !== hash);
    });
  }

  /** The builder's view of a resolved token. */
  facts(t: ResolvedToken): TokenFacts {
    const named = (x: { id: string; name: string }) => ({ id: x.id, name: x.name });
    return {
      methods: t.row.methods,
      audit_ids: t.row.audit_ids,
      issued_at: new Date(t.row.issued_at),
      expires_at: new Date(t.row.expires_at),
      user: { ...named(t.user), domain: named(t.userDomain) },
      ...(t.project && t.projectDomain ? { project: { ...named(t.project), domain: named(t.projectDomain) } } : {}),
      roles: t.roles.map(named),
    };
  }

  effectiveRoles(userId: string, projectId: string): RoleRow[] {
    const out = new Map<string, RoleRow>();
    const add = (role: RoleRow | undefined) => {
      if (!role || out.has(role.id)) return;
      out.set(role.id, role);
      for (const implied of IMPLIED_ROLES[role.name] ?? []) add(this.store.roleByName(implied));
    };
    for (const role of this.store.assignedRoles(userId, projectId)) add(role);
    return [...out.values()];
  }

  private async checkPassword(ref: PasswordUser): Promise<UserRow> {
    let user: UserRow | undefined;
    if (ref.id !== undefined) user = this.store.user(ref.id);
    else {
      if (ref.name === undefined) throw badRequest("Expecting to find 'id' or 'name' in user.");
      if (!ref.domain?.id && !ref.domain?.name) throw badRequest('Expecting to find domain in user.');
      const domain = this.store.domain(ref.domain);
      user = domain?.enabled ? this.store.userByName(ref.name, domain.id) : undefined;
    }
    const stored = user?.enabled ? user.password_hash : null;
    const ok = await verifyPassword(ref.password, stored ?? decoyHash());
    if (!user || !stored || !ok) throw unauthorized(AUTH_REQUIRED);
    return user;
  }

  /** The project a new token is scoped to: the one asked for, else the user's default
   *  project (as Keystone does when no scope is given), else none. */
  private scopeProject(user: UserRow, scope: Scope | undefined): ProjectRow | null {
    if (scope === 'unscoped') return null;
    if (scope === undefined) {
      const fallback = user.default_project_id ? this.store.project(user.default_project_id) : undefined;
      return fallback?.enabled && this.effectiveRoles(user.id, fallback.id).length ? fallback : null;
    }
    if (!scope.project) {
      throw badRequest('Only project-scoped and unscoped tokens exist in novalab: domain and system scope are not supported.');
    }
    const project = this.findScopeProject(scope.project);
    if (!project.enabled) throw unauthorized(`Project ${project.id} is disabled.`);
    if (!this.effectiveRoles(user.id, project.id).length) {
      throw unauthorized(`User ${user.id} has no access to project ${project.id}.`);
    }
    return project;
  }

  private findScopeProject(ref: NonNullable<Exclude<Scope, 'unscoped'>['project']>): ProjectRow {
    if (ref.id !== undefined) {
      const p = this.store.project(ref.id);
      if (!p) throw unauthorized(`Could not find project: ${ref.id}.`);
      return p;
    }
    if (ref.name === undefined) throw badRequest("Expecting to find 'id' or 'name' in project.");
    if (!ref.domain?.id && !ref.domain?.name) throw badRequest('Expecting to find domain in project.');
    const domain = this.store.domain(ref.domain);
    const p = domain && this.store.projectByName(ref.name, domain.id);
    if (!p) throw unauthorized(`Could not find project ${ref.name} in domain ${ref.domain.name ?? ref.domain.id}.`);
    return p;
  }

  private async issue(user: UserRow, project: ProjectRow | null, methods: string[], auditIds: string[], expires: Date) {
    const raw = randomBytes(32).toString('base64url');
    const row: TokenRow = {
      hash: hashToken(raw),
      user_id: user.id,
      project_id: project?.id ?? null,
      methods,
      audit_ids: auditIds,
      issued_at: this.clock().toISOString(),
      expires_at: expires.toISOString(),
    };
    await this.store.update((d) => {
      pruneExpiredTokens(d, this.clock());
      d.tokens.push(row);
    });
    const token = this.resolve(raw);
    if (!token) throw unauthorized();
    return { raw, token };
  }
}
