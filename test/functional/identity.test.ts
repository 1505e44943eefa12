// Identity as the launcher runs it: the real keystone process (forked from dist/), its own
// database in a temporary state directory, an in-process bus broker — and the real
// `openstack` CLI against it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../../harness/lab-process.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Broker } from '../../backend/bus/broker.js';
import type { LabEvent } from '../../contract/events.js';

const MAIN = fileURLToPath(new URL('../../backend/identity/main.js', import.meta.url));
const ADMIN_PASSWORD = 'admin-pw-for-identity-test';
const run = promisify(execFile);

interface Keystone {
  child: ChildProcess;
  port: number;
  url: string;
  stateDir: string;
}
let ks: Keystone;
let broker: Broker;
const events: LabEvent[] = [];
const issuedTokens: string[] = [];
/** Everything every keystone process of this file wrote to stdout and stderr. */
let allOutput = '';

/** A new lab in a temporary state directory, or (given `again`) the same lab restarted. */
async function startKeystone(bus: number, secret: string, again?: Keystone): Promise<Keystone> {
  const stateDir = again?.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-keystone-'));
  const port = again?.port ?? (await freePort());
  if (!again)
    fs.writeFileSync(path.join(stateDir, 'nova.conf'), `[novalab]\nkeystone_port = ${port}\nadmin_password = ${ADMIN_PASSWORD}\n`);
  const child = fork(MAIN, [], {
    env: { ...process.env, NOVALAB_STATE_DIR: stateDir, NOVALAB_BUS_PORT: String(bus), NOVALAB_BUS_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (b: Buffer) => {
    output += b.toString();
    allOutput += b.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keystone did not get ready:\n${output}`)), 20_000);
    child.on('message', (m: { type?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`keystone exited (${code}):\n${output}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, stateDir };
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}
async function api(
  method: string,
  p: string,
  opts: { token?: string; subject?: string; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  if (opts.subject) headers['X-Subject-Token'] = opts.subject;
  const res = await fetch(`${ks.url}${p}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const credentials = (user: string, password: string, project: string) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: 'Default' } } } },
    scope: { project: { name: project, domain: { name: 'Default' } } },
  },
});

async function login(user: string, password: string, project: string): Promise<string> {
  const r = await api('POST', '/v3/auth/tokens', { body: credentials(user, password, project) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const token = r.headers.get('x-subject-token')!;
  issuedTokens.push(token);
  return token;
}

async function waitFor<T>(probe: () => T | undefined | false, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let busPort = 0;

before(async () => {
  broker = new Broker();
  broker.onEvent((e) => events.push(e));
  busPort = await broker.listen();
  ks = await startKeystone(busPort, broker.secret);
});

after(() => {
  ks?.child.kill('SIGTERM');
  broker?.close();
  if (ks) fs.rmSync(ks.stateDir, { recursive: true, force: true });
});

function stop(k: Keystone): Promise<number | null> {
  return new Promise((resolve) => {
    k.child.once('exit', (code) => resolve(code));
    k.child.kill('SIGTERM');
  });
}

test('discovery: / answers 300 with the v3 version, /v3 answers 200, both with a request id', async () => {
  const root = await api('GET', '/');
  assert.equal(root.status, 300);
  assert.equal(root.body.versions.values[0].id, 'v3.14');
  assert.equal(root.body.versions.values[0].links[0].href, `${ks.url}/v3/`);
  const v3 = await api('GET', '/v3');
  assert.equal(v3.status, 200);
  assert.equal(v3.body.version.status, 'stable');
  assert.match(v3.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
});

test('password auth gives 201, X-Subject-Token and a catalog, and publishes the two boot steps', async () => {
  const r = await api('POST', '/v3/auth/tokens', { body: credentials('admin', ADMIN_PASSWORD, 'admin') });
  assert.equal(r.status, 201);
  const token = r.headers.get('x-subject-token')!;
  issuedTokens.push(token);
  assert.ok(token.length >= 43);
  assert.match(r.body.token.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(r.body.token.project.name, 'admin');
  assert.ok(r.body.token.roles.some((x: { name: string }) => x.name === 'admin'));
  const types = r.body.token.catalog.map((c: { type: string }) => c.type).sort();
  assert.deepEqual(types, ['compute', 'identity', 'image']);
  const identity = r.body.token.catalog.find((c: { type: string }) => c.type === 'identity');
  assert.equal(identity.endpoints[0].url, ks.url);
  // Events travel over the bus, so they may land just after the HTTP reply.
  await waitFor(() =>
    events.some((e) => e.step === 'identity.credentials' && e.summary === 'POST /v3/auth/tokens for user admin, project admin'),
  );
  const issuedStep = await waitFor(() => events.find((e) => e.step === 'identity.token' && /token issued to admin/.test(e.summary)));
  assert.deepEqual((issuedStep.detail as { catalog: string[] }).catalog, ['identity', 'compute', 'image']);
  const serialized = JSON.stringify(events);
  assert.equal(serialized.includes(token), false, 'no token in bus events');
  assert.equal(serialized.includes(ADMIN_PASSWORD), false, 'no password in bus events');
});

test("a wrong password and an unknown user both get 401 in Keystone's error format", async () => {
  const wrong = await api('POST', '/v3/auth/tokens', { body: credentials('admin', 'not-it', 'admin') });
  assert.equal(wrong.status, 401);
  assert.deepEqual(Object.keys(wrong.body.error).sort(), ['code', 'message', 'title']);
  assert.equal(wrong.body.error.title, 'Unauthorized');
  const unknown = await api('POST', '/v3/auth/tokens', { body: credentials('nobody', 'not-it', 'admin') });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error.message, wrong.body.error.message);
});

test('validation: self and admin may validate, others get 403; a revoked token is 404 then 401', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const demo = await login('demo', 'demo', 'demo');
  const own = await api('GET', '/v3/auth/tokens', { token: demo, subject: demo });
  assert.equal(own.status, 200);
  assert.equal(own.body.token.user.name, 'demo');
  assert.ok(own.body.token.catalog);
  assert.equal((await api('GET', '/v3/auth/tokens', { token: admin, subject: demo })).status, 200);
  assert.equal((await api('HEAD', '/v3/auth/tokens', { token: admin, subject: demo })).status, 200);
  assert.equal((await api('GET', '/v3/auth/tokens', { token: demo, subject: admin })).status, 403);
  assert.equal((await api('GET', '/v3/auth/tokens', { subject: demo })).status, 401);
  assert.equal((await api('DELETE', '/v3/auth/tokens', { token: admin, subject: demo })).status, 204);
  assert.equal((await api('GET', '/v3/auth/tokens', { token: admin, subject: demo })).status, 404);
  assert.equal((await api('GET', '/v3/projects', { token: demo })).status, 401);
});

test('a member gets 403 on admin APIs; no token gets 401', async () => {
  const demo = await login('demo', 'demo', 'demo');
  const create = await api('POST', '/v3/projects', { token: demo, body: { project: { name: 'nope' } } });
  assert.equal(create.status, 403);
  assert.match(create.body.error.message, /identity:create_project/);
  assert.equal((await api('GET', '/v3/users', { token: demo })).status, 403);
  assert.equal((await api('POST', '/v3/projects', { body: { project: { name: 'nope' } } })).status, 401);
  const own = await api('GET', '/v3/projects', { token: demo });
  assert.deepEqual(
    own.body.projects.map((p: { name: string }) => p.name),
    ['demo'],
  );
});

test('admin creates a project and a user, grants member (PUT twice: 204 both), and the user logs in', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const p = await api('POST', '/v3/projects', {
    token: admin,
    body: { project: { name: 'lab1', domain_id: 'default', description: 'x' } },
  });
  assert.equal(p.status, 201);
  assert.equal((await api('POST', '/v3/projects', { token: admin, body: { project: { name: 'lab1' } } })).status, 409);
  const u = await api('POST', '/v3/users', { token: admin, body: { user: { name: 'alice', password: 'alice-pw', domain_id: 'default' } } });
  assert.equal(u.status, 201);
  assert.equal(JSON.stringify(u.body).includes('alice-pw'), false);
  const roles = await api('GET', '/v3/roles?name=member', { token: admin });
  const grant = `/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${roles.body.roles[0].id}`;
  assert.equal((await api('HEAD', grant, { token: admin })).status, 404);
  assert.equal((await api('PUT', grant, { token: admin })).status, 204);
  assert.equal((await api('PUT', grant, { token: admin })).status, 204);
  assert.equal((await api('HEAD', grant, { token: admin })).status, 204);
  const listed = await api('GET', `/v3/role_assignments?user.id=${u.body.user.id}&scope.project.id=${p.body.project.id}`, { token: admin });
  assert.equal(listed.body.role_assignments.length, 1);
  const alice = await login('alice', 'alice-pw', 'lab1');
  const me = await api('GET', `/v3/users/${u.body.user.id}`, { token: alice });
  assert.equal(me.body.user.name, 'alice');
  const mine = await api('GET', `/v3/users/${u.body.user.id}/projects`, { token: alice });
  assert.deepEqual(
    mine.body.projects.map((x: { name: string }) => x.name),
    ['lab1'],
  );
});

test('a user created with a default project and extra attributes shows them back and is scoped there by default', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const p = await api('POST', '/v3/projects', { token: admin, body: { project: { name: 'lab-default', domain_id: 'default' } } });
  const projectId = p.body.project.id as string;
  // What Tempest's credential client sends: Keystone keeps unknown attributes as extras.
  const u = await api('POST', '/v3/users', {
    token: admin,
    body: {
      user: {
        name: 'bob',
        password: 'bob-pw',
        domain_id: 'default',
        default_project_id: projectId,
        project_id: projectId,
        email: 'b@x.tm',
      },
    },
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  assert.equal(u.body.user.default_project_id, projectId);
  assert.equal(u.body.user.project_id, projectId);
  assert.equal(u.body.user.email, 'b@x.tm');
  const id = u.body.user.id as string;
  const patched = await api('PATCH', `/v3/users/${id}`, { token: admin, body: { user: { team: 'blue', id: 'not-mine' } } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.user.id, id, "the id is Keystone's, never an extra");
  const shown = (await api('GET', `/v3/users/${id}`, { token: admin })).body.user;
  assert.deepEqual([shown.project_id, shown.team, shown.default_project_id], [projectId, 'blue', projectId]);

  const roles = await api('GET', '/v3/roles?name=member', { token: admin });
  assert.equal((await api('PUT', `/v3/projects/${projectId}/users/${id}/roles/${roles.body.roles[0].id}`, { token: admin })).status, 204);
  const noScope = {
    auth: { identity: { methods: ['password'], password: { user: { name: 'bob', domain: { id: 'default' }, password: 'bob-pw' } } } },
  };
  const t = await api('POST', '/v3/auth/tokens', { body: noScope });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  assert.equal(t.body.token.project.id, projectId, 'no scope asked: the default project');
});

test('name lookups: GET /v3/projects/<name> is 404, then ?name= finds it (quota show)', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  assert.equal((await api('GET', '/v3/projects/demo', { token: admin })).status, 404);
  const found = await api('GET', '/v3/projects?name=demo', { token: admin });
  assert.equal(found.body.projects.length, 1);
  assert.equal(found.body.projects[0].domain_id, 'default');
});

test("bad input: malformed JSON 400, unknown field 400, body over 64 KiB 413 — all in Keystone's format", async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const malformed = await api('POST', '/v3/auth/tokens', { raw: '{"auth": ' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 400);
  const unknown = await api('POST', '/v3/projects', { token: admin, body: { project: { name: 'z' }, extra: 1 } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /unknown field 'extra'/);
  const huge = await api('POST', '/v3/projects', { token: admin, body: { project: { name: 'z', description: 'x'.repeat(70_000) } } });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 413);
  const missing = await api('GET', '/v3/nothing-here', { token: admin });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.title, 'Not Found');
});

test('admins read the catalog as services, endpoints and regions', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const endpoints = await api('GET', '/v3/endpoints?interface=public', { token: admin });
  assert.deepEqual(
    endpoints.body.endpoints.map((e: { url: string }) => e.url).sort(),
    [ks.url, 'http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:9292'].sort(),
  );
  const compute = await api('GET', '/v3/services?type=compute', { token: admin });
  assert.equal(compute.body.services[0].name, 'nova');
  assert.equal((await api('GET', '/v3/regions/RegionOne', { token: admin })).status, 200);
});

function cliEnv(password: string) {
  return {
    ...process.env,
    OS_AUTH_URL: `${ks.url}/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: password,
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'public',
  };
}

test('the real openstack CLI: token issue and catalog list', async () => {
  const issued = await run('openstack', ['token', 'issue', '-f', 'json'], { env: cliEnv(ADMIN_PASSWORD), timeout: 60_000 });
  const token = JSON.parse(issued.stdout);
  assert.ok(token.project_id && token.user_id && token.expires && token.id);
  issuedTokens.push(token.id);
  const catalog = await run('openstack', ['catalog', 'list', '-f', 'json'], { env: cliEnv(ADMIN_PASSWORD), timeout: 60_000 });
  const types = JSON.parse(catalog.stdout)
    .map((c: { Type: string }) => c.Type)
    .sort();
  assert.deepEqual(types, ['compute', 'identity', 'image']);
});

test('the real openstack CLI with a wrong password exits non-zero and says 401', async () => {
  await assert.rejects(
    run('openstack', ['token', 'issue', '-f', 'json'], { env: cliEnv('wrong'), timeout: 60_000 }),
    (err: { code?: number; stderr?: string }) => err.code !== 0 && /401/.test(err.stderr ?? ''),
  );
});

test('after a restart, users, projects, grants and unexpired tokens are all still there', async () => {
  const admin = await login('admin', ADMIN_PASSWORD, 'admin');
  const before = await api('GET', '/v3/users?name=admin', { token: admin });
  assert.equal(await stop(ks), 0, 'SIGTERM stops keystone cleanly');
  ks = await startKeystone(busPort, broker.secret, ks);
  const validated = await api('GET', '/v3/auth/tokens', { token: admin, subject: admin });
  assert.equal(validated.status, 200);
  const afterRestart = await api('GET', '/v3/users?name=admin', { token: admin });
  assert.equal(afterRestart.body.users[0].id, before.body.users[0].id, 'bootstrap does not recreate users');
  assert.equal((await api('GET', '/v3/projects?name=lab1', { token: admin })).body.projects.length, 1);
  await login('alice', 'alice-pw', 'lab1');
});

test('neither the log, nor the database, nor the bus ever holds a token or the admin password', async () => {
  assert.ok(issuedTokens.length > 5);
  const db = fs.readFileSync(path.join(ks.stateDir, 'db', 'keystone.json'), 'utf8');
  for (const where of [allOutput, db, JSON.stringify(events)]) {
    for (const t of issuedTokens) assert.equal(where.includes(t), false);
    assert.equal(where.includes(ADMIN_PASSWORD), false);
  }
  const secret = fs.statSync(path.join(ks.stateDir, 'secrets', 'service-password'));
  assert.equal(secret.mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.join(ks.stateDir, 'db', 'keystone.json')).mode & 0o077, 0, 'the database is owner-only');
});
