// The identity every lab starts with, created on first start and checked on every start
// (idempotent): the Default domain, three roles, three projects and three users. nova.conf's
// admin_password and the service-password secret file are the truth for those two users'
// passwords: when they differ from the stored hash, the hash follows.
import fs from 'node:fs';
import path from 'node:path';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { newId, type IdentityData, type IdentityStore } from './identity-store.js';

/** Names other parts of the lab (launcher's openrc, tests, the GUI) log in with. */
export const BOOTSTRAP = {
  domain: { id: 'default', name: 'Default' },
  roles: ['admin', 'member', 'reader'],
  admin: { user: 'admin', project: 'admin', role: 'admin' },
  demo: { user: 'demo', password: 'demo', project: 'demo', role: 'member' },
  service: { user: 'nova', project: 'service', role: 'admin' },
} as const;

/** Bootstrap projects and users that the lab cannot run without: deleting them is refused. */
export const PROTECTED_PROJECTS: readonly string[] = [BOOTSTRAP.admin.project, BOOTSTRAP.service.project];
export const PROTECTED_USERS: readonly string[] = [BOOTSTRAP.admin.user, BOOTSTRAP.service.user];

/** admin implies member implies reader, as in Keystone's bootstrap. */
export const IMPLIED_ROLES: Readonly<Record<string, string[]>> = { admin: ['member', 'reader'], member: ['reader'] };

/** The nova service user's password: read from the secret file, or generated and written
 *  owner-only the first time. */
export function servicePassword(file: string): string {
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const password = generatePassword();
  try {
    fs.writeFileSync(file, password + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Someone wrote it between our read and our write: theirs wins.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
  return password;
}

const now = () => new Date().toISOString();

function ensureNamed<T extends { name: string }>(rows: T[], name: string, make: () => T): T {
  const found = rows.find((r) => r.name === name);
  if (found) return found;
  const row = make();
  rows.push(row);
  return row;
}

function ensureStructure(d: IdentityData): void {
  const dom = BOOTSTRAP.domain;
  if (!d.domains.some((x) => x.id === dom.id)) d.domains.push({ ...dom, description: 'The default domain', enabled: true });
  for (const name of BOOTSTRAP.roles) ensureNamed(d.roles, name, () => ({ id: newId(), name, description: null }));
  for (const name of [BOOTSTRAP.admin.project, BOOTSTRAP.demo.project, BOOTSTRAP.service.project]) {
    ensureNamed(d.projects, name, () => ({
      id: newId(),
      name,
      domain_id: dom.id,
      description: `Bootstrap project ${name}`,
      enabled: true,
      tags: [],
      created_at: now(),
    }));
  }
}

function ensureUser(d: IdentityData, name: string, projectName: string, roleName: string, passwordHash: string | null): void {
  const project = d.projects.find((p) => p.name === projectName)!;
  const role = d.roles.find((r) => r.name === roleName)!;
  const user = ensureNamed(d.users, name, () => ({
    id: newId(),
    name,
    domain_id: BOOTSTRAP.domain.id,
    enabled: true,
    password_hash: passwordHash,
    default_project_id: project.id,
    email: null,
    description: null,
    created_at: now(),
  }));
  if (passwordHash) user.password_hash = passwordHash;
  const grant = { user_id: user.id, project_id: project.id, role_id: role.id };
  if (!d.assignments.some((a) => a.user_id === grant.user_id && a.project_id === grant.project_id && a.role_id === grant.role_id)) {
    d.assignments.push(grant);
  }
}

/** A new hash when the user is missing or the stored hash does not match; null to keep it. */
async function hashIfChanged(store: IdentityStore, name: string, password: string): Promise<string | null> {
  const user = store.data.users.find((u) => u.name === name && u.domain_id === BOOTSTRAP.domain.id);
  if (user?.password_hash && (await verifyPassword(password, user.password_hash))) return null;
  return hashPassword(password);
}

export interface BootstrapInput {
  adminPassword: string;
  servicePasswordFile: string;
}

export async function bootstrap(store: IdentityStore, input: BootstrapInput): Promise<void> {
  const novaPassword = servicePassword(input.servicePasswordFile);
  const demoExists = store.data.users.some((u) => u.name === BOOTSTRAP.demo.user);
  const [adminHash, novaHash, demoHash] = await Promise.all([
    hashIfChanged(store, BOOTSTRAP.admin.user, input.adminPassword),
    hashIfChanged(store, BOOTSTRAP.service.user, novaPassword),
    demoExists ? null : hashPassword(BOOTSTRAP.demo.password),
  ]);
  await store.update((d) => {
    ensureStructure(d);
    ensureUser(d, BOOTSTRAP.admin.user, BOOTSTRAP.admin.project, BOOTSTRAP.admin.role, adminHash);
    ensureUser(d, BOOTSTRAP.demo.user, BOOTSTRAP.demo.project, BOOTSTRAP.demo.role, demoHash);
    ensureUser(d, BOOTSTRAP.service.user, BOOTSTRAP.service.project, BOOTSTRAP.service.role, novaHash);
  });
}
