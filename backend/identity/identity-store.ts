// Keystone's own database: one lowdb JSON document at paths.keystoneDb (not nova's), written
// durably (temp file, fsync, rename) so the file is always whole; a missing (after the first
// start), corrupt or foreign file is refused, never replaced by an empty one. Every
// mutation goes through update(): change the rows in memory, then wait for the write.
// Tokens are kept only as sha256 hashes.
import { randomUUID } from 'node:crypto';
import { Low } from 'lowdb';
import { openJsonDb, shape, type JsonDbSpec } from '../common/json-db.js';

export interface DomainRow {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
}
export interface ProjectRow {
  id: string;
  name: string;
  domain_id: string;
  description: string;
  enabled: boolean;
  tags: string[];
  created_at: string;
}
export interface UserRow {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  /** scrypt hash; null: the user cannot log in with a password. */
  password_hash: string | null;
  default_project_id: string | null;
  email: string | null;
  description: string | null;
  created_at: string;
  /** Attributes Keystone does not know, kept and shown back as given (its `extra` column). */
  extra?: Record<string, unknown>;
}
export interface RoleRow {
  id: string;
  name: string;
  description: string | null;
}
export interface AssignmentRow {
  user_id: string;
  project_id: string;
  role_id: string;
}
export interface TokenRow {
  /** sha256 of the token, hex: the token itself is never stored. */
  hash: string;
  user_id: string;
  project_id: string | null;
  methods: string[];
  audit_ids: string[];
  issued_at: string;
  expires_at: string;
}

export interface IdentityData {
  schema: 1;
  domains: DomainRow[];
  projects: ProjectRow[];
  users: UserRow[];
  roles: RoleRow[];
  assignments: AssignmentRow[];
  tokens: TokenRow[];
}

export const emptyIdentityData = (): IdentityData => ({
  schema: 1,
  domains: [],
  projects: [],
  users: [],
  roles: [],
  assignments: [],
  tokens: [],
});

/** Pure: what makes a parsed document not keystone's database. */
export function identityShapeProblems(doc: unknown): string[] {
  if (!shape.isObject(doc)) return [`the document is ${Array.isArray(doc) ? 'a list' : doc === null ? 'null' : typeof doc}, not an object`];
  const tables = ['domains', 'projects', 'users', 'roles', 'assignments', 'tokens'];
  return shape.fields(doc, tables, [], ['domains', 'projects', 'users', 'roles', 'assignments']);
}

/** Keystone's ids: a uuid4 without dashes. */
export const newId = () => randomUUID().replace(/-/g, '');

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class IdentityStore {
  private constructor(private readonly db: Low<IdentityData>) {}

  static async open(file: string, opts: Pick<JsonDbSpec<IdentityData>, 'marker' | 'stateDir'> = {}): Promise<IdentityStore> {
    const db = await openJsonDb<IdentityData>({
      file,
      what: "keystone's database",
      empty: emptyIdentityData,
      shapeProblems: identityShapeProblems,
      ...opts,
    });
    db.data = { ...emptyIdentityData(), ...db.data };
    return new IdentityStore(db);
  }

  /** An in-memory store for unit tests (nothing touches the disk). */
  static memory(data: IdentityData = emptyIdentityData()): IdentityStore {
    let saved = data;
    return new IdentityStore(
      new Low<IdentityData>(
        {
          read: async () => saved,
          write: async (d) => {
            saved = d;
          },
        },
        data,
      ),
    );
  }

  get data(): Readonly<IdentityData> {
    return this.db.data;
  }

  /** Apply a change to the rows and wait until it is on disk. */
  async update<T>(change: (data: IdentityData) => T): Promise<T> {
    const result = change(this.db.data);
    await this.db.write();
    return result;
  }

  domain(idOrName: { id?: string; name?: string }): DomainRow | undefined {
    const { id, name } = idOrName;
    return this.data.domains.find((d) => (id !== undefined ? d.id === id : name !== undefined && sameName(d.name, name)));
  }

  project(id: string): ProjectRow | undefined {
    return this.data.projects.find((p) => p.id === id);
  }

  projectByName(name: string, domainId: string): ProjectRow | undefined {
    return this.data.projects.find((p) => p.domain_id === domainId && sameName(p.name, name));
  }

  user(id: string): UserRow | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  userByName(name: string, domainId: string): UserRow | undefined {
    return this.data.users.find((u) => u.domain_id === domainId && sameName(u.name, name));
  }

  role(id: string): RoleRow | undefined {
    return this.data.roles.find((r) => r.id === id);
  }

  roleByName(name: string): RoleRow | undefined {
    return this.data.roles.find((r) => sameName(r.name, name));
  }

  /** The roles assigned directly to a user on a project. */
  assignedRoles(userId: string, projectId: string): RoleRow[] {
    return this.data.assignments
      .filter((a) => a.user_id === userId && a.project_id === projectId)
      .map((a) => this.role(a.role_id))
      .filter((r): r is RoleRow => r !== undefined);
  }

  /** Projects on which the user has at least one role. */
  projectsOf(userId: string): ProjectRow[] {
    const ids = new Set(this.data.assignments.filter((a) => a.user_id === userId).map((a) => a.project_id));
    return this.data.projects.filter((p) => ids.has(p.id));
  }

  hasAssignment(a: AssignmentRow): boolean {
    return this.data.assignments.some((x) => x.user_id === a.user_id && x.project_id === a.project_id && x.role_id === a.role_id);
  }

  token(hash: string): TokenRow | undefined {
    return this.data.tokens.find((t) => t.hash === hash);
  }
}

/** Pure: drop rows that refer to a deleted user or project, and their tokens. */
export function removeUserRows(data: IdentityData, userId: string): void {
  data.users = data.users.filter((u) => u.id !== userId);
  data.assignments = data.assignments.filter((a) => a.user_id !== userId);
  data.tokens = data.tokens.filter((t) => t.user_id !== userId);
}

export function removeProjectRows(data: IdentityData, projectId: string): void {
  data.projects = data.projects.filter((p) => p.id !== projectId);
  data.assignments = data.assignments.filter((a) => a.project_id !== projectId);
  data.tokens = data.tokens.filter((t) => t.project_id !== projectId);
  for (const u of data.users) if (u.default_project_id === projectId) u.default_project_id = null;
}

/** Pure: forget tokens that expired before `now`. */
export function pruneExpiredTokens(data: IdentityData, now: Date): void {
  const t = now.getTime();
  data.tokens = data.tokens.filter((row) => Date.parse(row.expires_at) > t);
}
