import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdentityStore } from './identity-store.js';
import { bootstrap, BOOTSTRAP } from './bootstrap.js';
import { TokenService, hashToken } from './token-service.js';
import { KeystoneError } from './errors.js';
import type { AuthRequest } from './schemas.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function lab(clock?: () => Date) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-identity-'));
  dirs.push(dir);
  const store = IdentityStore.memory();
  const secret = path.join(dir, 'secrets', 'service-password');
  await bootstrap(store, { adminPassword: 'pw-admin', servicePasswordFile: secret });
  return { store, tokens: new TokenService(store, 3_600_000, clock), secret, dir };
}

const login = (user: string, password: string, project?: string): AuthRequest => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: 'Default' } } } },
    ...(project ? { scope: { project: { name: project, domain: { id: 'default' } } } } : {}),
  },
});

const status = (code: number) => (e: unknown) => e instanceof KeystoneError && e.code === code;

test('bootstrap is idempotent and writes the service password owner-only', async () => {
  const { store, secret } = await lab();
  const before = JSON.stringify(store.data);
  await bootstrap(store, { adminPassword: 'pw-admin', servicePasswordFile: secret });
  assert.equal(JSON.stringify(store.data), before);
  assert.deepEqual(store.data.users.map((u) => u.name).sort(), ['admin', 'demo', 'nova']);
  assert.equal(fs.statSync(secret).mode & 0o777, 0o600);
  assert.equal(
    store.data.users.some((u) => JSON.stringify(u).includes('pw-admin')),
    false,
  );
});

test('a new admin_password in nova.conf replaces the stored one at the next start', async () => {
  const { store, tokens, secret } = await lab();
  await bootstrap(store, { adminPassword: 'changed', servicePasswordFile: secret });
  await assert.rejects(tokens.authenticate(login('admin', 'pw-admin', 'admin')), status(401));
  await tokens.authenticate(login('admin', 'changed', 'admin'));
});

test('the admin token carries admin and the roles it implies; demo is a member', async () => {
  const { tokens } = await lab();
  const a = await tokens.authenticate(login('admin', 'pw-admin', 'admin'));
  assert.deepEqual(
    a.token.roles.map((r) => r.name),
    ['admin', 'member', 'reader'],
  );
  const d = await tokens.authenticate(login(BOOTSTRAP.demo.user, BOOTSTRAP.demo.password, 'demo'));
  assert.deepEqual(
    d.token.roles.map((r) => r.name),
    ['member', 'reader'],
  );
});

test('the nova service user logs in with the password from the secret file', async () => {
  const { tokens, secret } = await lab();
  const password = fs.readFileSync(secret, 'utf8').trim();
  const t = await tokens.authenticate(login('nova', password, 'service'));
  assert.equal(t.token.project?.name, 'service');
});

test('a wrong password and an unknown user get the same 401', async () => {
  const { tokens } = await lab();
  const wrong = await tokens.authenticate(login('admin', 'nope', 'admin')).catch((e: KeystoneError) => e);
  const unknown = await tokens.authenticate(login('mallory', 'nope', 'admin')).catch((e: KeystoneError) => e);
  assert.ok(wrong instanceof KeystoneError && unknown instanceof KeystoneError);
  assert.equal(wrong.code, 401);
  assert.equal(wrong.message, unknown.message);
});

test('a user cannot scope to a project it has no role on', async () => {
  const { tokens } = await lab();
  await assert.rejects(tokens.authenticate(login('demo', 'demo', 'admin')), status(401));
});

test('no scope gives the default project; "unscoped" gives no project', async () => {
  const { tokens } = await lab();
  const plain = await tokens.authenticate(login('demo', 'demo'));
  assert.equal(plain.token.project?.name, 'demo');
  const req = login('demo', 'demo');
  req.auth.scope = 'unscoped';
  const unscoped = await tokens.authenticate(req);
  assert.equal(unscoped.token.project, undefined);
  assert.deepEqual(unscoped.token.roles, []);
});

test('only the hash of a token is stored, and revoking it ends it', async () => {
  const { store, tokens } = await lab();
  const { raw } = await tokens.authenticate(login('admin', 'pw-admin', 'admin'));
  assert.ok(raw.length >= 43);
  assert.equal(JSON.stringify(store.data).includes(raw), false);
  assert.ok(store.token(hashToken(raw)));
  assert.ok(tokens.resolve(raw));
  await tokens.revoke(raw);
  assert.equal(tokens.resolve(raw), null);
});

test('a token stops resolving when it expires or its role assignment is removed', async () => {
  let now = new Date('2030-01-01T00:00:00Z');
  const { store, tokens } = await lab(() => now);
  const { raw, token } = await tokens.authenticate(login('demo', 'demo', 'demo'));
  assert.equal(token.row.expires_at, '2030-01-01T01:00:00.000Z');
  await store.update((d) => {
    d.assignments = d.assignments.filter((a) => a.user_id !== token.user.id);
  });
  assert.equal(tokens.resolve(raw), null);
  const again = await lab(() => now);
  const t2 = await again.tokens.authenticate(login('demo', 'demo', 'demo'));
  now = new Date('2030-01-01T01:00:01Z');
  assert.equal(again.tokens.resolve(t2.raw), null);
});

test('a token re-scopes with the token method and keeps its expiry', async () => {
  const { tokens } = await lab();
  const first = await tokens.authenticate({
    ...login('admin', 'pw-admin'),
    auth: { ...login('admin', 'pw-admin').auth, scope: 'unscoped' },
  });
  const second = await tokens.authenticate({
    auth: {
      identity: { methods: ['token'], token: { id: first.raw } },
      scope: { project: { name: 'admin', domain: { name: 'Default' } } },
    },
  });
  assert.equal(second.token.project?.name, 'admin');
  assert.equal(second.token.row.expires_at, first.token.row.expires_at);
  assert.deepEqual(second.token.row.methods, ['token', 'password']);
  await assert.rejects(tokens.authenticate({ auth: { identity: { methods: ['token'], token: { id: 'bogus' } } } }), status(401));
});
