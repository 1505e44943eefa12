// The server API around a server's life that a student meets after the first boot, over HTTP
// with the fake driver, as Nova answers it: PUT /servers/{id} (name, description, access IPs,
// hostname), os-resetState, server tags and the tag filters, and the small things clients
// probe (limit=0, changes-since, /v2/, /extensions, adminPass, the extra-spec DELETE status).
// `openstack server set --name` runs with the real CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { cliEnv, eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';

const run = promisify(execFile);
const hasCli = fs.existsSync('/usr/bin/openstack');

let lab: LabHandle;
let admin: string;
let demo: string;
let imageId: string;
let server: string;
let adminServer: string;

interface Res {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function nova(
  method: string,
  p: string,
  opts: { token?: string; version?: string; body?: unknown; root?: boolean } = {},
): Promise<Res> {
  const headers: Record<string, string> = { 'X-Auth-Token': opts.token ?? admin };
  if (opts.version) headers['OpenStack-API-Version'] = `compute ${opts.version}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(lab.url('osapi_compute', opts.root ? p : `/v2.1${p}`), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text, headers: res.headers };
}

async function boot(name: string, extra: Record<string, unknown> = {}, token = admin, version = '2.37'): Promise<Res> {
  const r = await nova('POST', '/servers', {
    token,
    version,
    body: { server: { name, imageRef: imageId, flavorRef: '1', networks: 'none', ...extra } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r;
}

const settle = (id: string, want: string, token = admin) =>
  eventually(
    `server ${id} to be ${want}`,
    async () => {
      const s = (await nova('GET', `/servers/${id}`, { token })).body?.server;
      return s && s.status === want && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    30_000,
    100,
  );

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  const images = (await (
    await fetch(lab.url('glance-api', '/v2/images?name=novalab-x86_64'), { headers: { 'X-Auth-Token': admin } })
  ).json()) as { images: { id: string }[] };
  imageId = images.images[0]!.id;
  server = (await boot('upd-vm', {}, demo)).body.server.id;
  await settle(server, 'ACTIVE', demo);
});
after(async () => {
  await lab?.stop();
});

test('PUT /servers/{id} renames a server and answers its view (the short one before 2.75)', async () => {
  const r = await nova('PUT', `/servers/${server}`, { token: demo, body: { server: { name: 'renamed-vm' } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.server.name, 'renamed-vm');
  assert.equal(r.body.server.id, server);
  assert.equal(r.body.server.status, 'ACTIVE');
  // Before 2.75 Nova leaves the extended fields out of this answer.
  for (const k of ['OS-EXT-STS:vm_state', 'key_name', 'security_groups', 'OS-EXT-AZ:availability_zone'])
    assert.ok(!(k in r.body.server), `${k} in ${r.text}`);
  assert.equal((await nova('GET', `/servers/${server}`, { token: demo })).body.server.name, 'renamed-vm');
  // From 2.75 the answer is the whole server, as GET shows it.
  const full = await nova('PUT', `/servers/${server}`, { token: demo, version: '2.75', body: { server: { name: 'upd-vm' } } });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.body.server['OS-EXT-STS:vm_state'], 'active');
  assert.deepEqual(full.body.server.security_groups, [{ name: 'default' }]);
});

test('PUT /servers/{id}: description from 2.19, hostname from 2.90, access IPs', async () => {
  const old = await nova('PUT', `/servers/${server}`, { token: demo, body: { server: { description: 'x' } } });
  assert.equal(old.status, 400, 'description is not known before 2.19');
  const d = await nova('PUT', `/servers/${server}`, { token: demo, version: '2.19', body: { server: { description: 'my vm' } } });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.server.description, 'my vm');
  const cleared = await nova('PUT', `/servers/${server}`, { token: demo, version: '2.19', body: { server: { description: null } } });
  assert.equal(cleared.body.server.description, null);
  assert.equal(
    (await nova('PUT', `/servers/${server}`, { token: demo, version: '2.89', body: { server: { hostname: 'web-1' } } })).status,
    400,
  );
  const h = await nova('PUT', `/servers/${server}`, { token: demo, version: '2.90', body: { server: { hostname: 'web-1' } } });
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.server['OS-EXT-SRV-ATTR:hostname'], 'web-1');
  const ips = await nova('PUT', `/servers/${server}`, {
    token: demo,
    body: { server: { accessIPv4: '192.0.2.10', accessIPv6: '2001:db8::10' } },
  });
  assert.equal(ips.status, 200, ips.text);
  assert.equal(ips.body.server.accessIPv4, '192.0.2.10');
  assert.equal(ips.body.server.accessIPv6, '2001:db8::10');
  const shown = (await nova('GET', `/servers/${server}`, { token: demo })).body.server;
  assert.deepEqual([shown.accessIPv4, shown.accessIPv6], ['192.0.2.10', '2001:db8::10']);
  const listed = (await nova('GET', '/servers/detail', { token: demo })).body.servers.find((s: { id: string }) => s.id === server);
  assert.equal(listed.accessIPv4, '192.0.2.10');
});

test('PUT /servers/{id} refuses what Nova refuses', async () => {
  const put = (body: unknown, token = demo, id = server) => nova('PUT', `/servers/${id}`, { token, body });
  const bad = await put({ server: { accessIPv4: '1.1.1.1.1' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.badRequest.message, /'1\.1\.1\.1\.1' is not a 'ipv4'/);
  assert.equal((await put({ server: { accessIPv6: 'notanipv6' } })).status, 400);
  assert.equal((await put({ server: { name: '' } })).status, 400);
  assert.equal((await put({ server: { name: 'a'.repeat(256) } })).status, 400);
  assert.equal((await put({ server: { flavorRef: '1' } })).status, 400);
  assert.equal((await put({ name: 'x' })).status, 400);
  const missing = await put({ server: { name: 'x' } }, demo, '00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
  assert.ok(missing.body.itemNotFound);
  // Another project's server does not exist for this caller.
  adminServer = (await boot('admins-vm')).body.server.id;
  assert.equal((await put({ server: { name: 'stolen' } }, demo, adminServer)).status, 404);
  assert.equal((await nova('GET', `/servers/${adminServer}`)).body.server.name, 'admins-vm');
});

test('access IPs given at create are shown; malformed ones are a 400', async () => {
  const r = await boot('aip-vm', { accessIPv4: '203.0.113.5', accessIPv6: '2001:db8::5' }, demo);
  const s = await settle(r.body.server.id, 'ACTIVE', demo);
  assert.deepEqual([s.accessIPv4, s.accessIPv6], ['203.0.113.5', '2001:db8::5']);
  // Nova stores an IPv6 address in its compact form.
  const long = await nova('PUT', `/servers/${r.body.server.id}`, {
    token: demo,
    body: { server: { accessIPv6: '0000:0000:0000:0000:0000:babe:220.12.22.2' } },
  });
  assert.equal(long.body.server.accessIPv6, '::babe:dc0c:1602');
  const bad = await nova('POST', '/servers', {
    token: demo,
    version: '2.37',
    body: { server: { name: 'x', imageRef: imageId, flavorRef: '1', networks: 'none', accessIPv6: '2001:::1::2' } },
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.badRequest.message, /is not a 'ipv6'/);
});

test('adminPass in the create answer is the one asked for, else a generated one', async () => {
  const given = await boot('pw-vm', { adminPass: 'testpassword' }, demo);
  assert.equal(given.body.server.adminPass, 'testpassword');
  const generated = await boot('pw2-vm', {}, demo);
  assert.match(generated.body.server.adminPass, /^\S{8,}$/);
});

test('os-resetState: an admin sets error or active; a member is refused; the body is checked', async () => {
  const reset = (state: unknown, token = admin, id = server) =>
    nova('POST', `/servers/${id}/action`, { token, body: { 'os-resetState': { state } } });
  assert.equal((await reset('error', demo)).status, 403);
  const r = await reset('error');
  assert.equal(r.status, 202, r.text);
  assert.equal(r.text, '');
  const s = (await nova('GET', `/servers/${server}`)).body.server;
  assert.equal(s.status, 'ERROR');
  assert.equal(s['OS-EXT-STS:task_state'], null);
  const errored = (await nova('GET', '/servers?all_tenants=1&status=ERROR')).body.servers.map((x: { id: string }) => x.id);
  assert.ok(errored.includes(server));
  assert.equal((await reset('active')).status, 202);
  assert.equal((await nova('GET', `/servers/${server}`)).body.server.status, 'ACTIVE');
  assert.equal((await reset('stopped')).status, 400);
  assert.equal((await nova('POST', `/servers/${server}/action`, { body: { 'os-resetState': { foo: 'error' } } })).status, 400);
  assert.equal((await reset('error', admin, '00000000-0000-4000-8000-000000000000')).status, 404);
  const actions = (await nova('GET', `/servers/${server}/os-instance-actions`)).body.instanceActions.map(
    (a: { action: string }) => a.action,
  );
  assert.ok(actions.includes('resetState'), JSON.stringify(actions));
});

test('restore of a server that is not soft-deleted is a 409, as in Nova', async () => {
  const r = await nova('POST', `/servers/${server}/action`, { token: demo, body: { restore: null } });
  assert.equal(r.status, 409, r.text);
  assert.match(r.body.conflictingRequest.message, /Cannot 'restore' instance .* while it is in vm_state active/);
});

test('server tags (2.26): set, add, check, list, filter, remove', async () => {
  const v = '2.26';
  const t = (method: string, p: string, body?: unknown, token = demo, version = v) =>
    nova(method, `/servers/${server}/tags${p}`, { token, version, body });
  assert.equal((await t('GET', '', undefined, demo, '2.25')).status, 404, 'no tags before 2.26');
  const put = await t('PUT', '', { tags: ['web', 'prod', 'web'] });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body.tags.sort(), ['prod', 'web']);
  const add = await t('PUT', '/blue');
  assert.equal(add.status, 201, add.text);
  assert.match(add.headers.get('location') ?? '', new RegExp(`/v2\\.1/servers/${server}/tags/blue$`));
  assert.equal((await t('PUT', '/blue')).status, 204, 'an existing tag');
  assert.equal((await t('GET', '/blue')).status, 204);
  assert.equal((await t('GET', '/green')).status, 404);
  assert.deepEqual((await t('GET', '')).body.tags.sort(), ['blue', 'prod', 'web']);
  assert.deepEqual((await nova('GET', `/servers/${server}`, { token: demo, version: v })).body.server.tags.sort(), ['blue', 'prod', 'web']);
  assert.equal((await t('PUT', '', { tags: ['a/b'] })).status, 400);
  assert.equal((await t('PUT', '', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).status, 400);
  // Another project's server: Nova's tag API answers 403 (its policy), not 404.
  assert.equal((await nova('GET', `/servers/${server}/tags`, { version: v, token: admin })).status, 200);
  assert.equal((await nova('PUT', `/servers/${adminServer}/tags`, { version: v, token: demo, body: { tags: ['x'] } })).status, 403);
  const ids = async (q: string) =>
    (await nova('GET', `/servers?${q}`, { token: demo, version: v })).body.servers.map((s: { id: string }) => s.id);
  assert.ok((await ids('tags=web,blue')).includes(server));
  assert.ok(!(await ids('tags=web,green')).includes(server));
  assert.ok((await ids('tags-any=green,blue')).includes(server));
  assert.ok(!(await ids('not-tags=web,blue')).includes(server));
  assert.ok((await ids('not-tags=web,green')).includes(server));
  assert.ok(!(await ids('not-tags-any=green,blue')).includes(server));
  assert.equal((await t('DELETE', '/blue')).status, 204);
  assert.equal((await t('DELETE', '/blue')).status, 404);
  assert.equal((await t('DELETE', '')).status, 204);
  assert.deepEqual((await t('GET', '')).body.tags, []);
  // Tags at create from 2.52.
  const tagged = await boot('tagged-vm', { tags: ['a', 'b'] }, demo, '2.52');
  const s = (await nova('GET', `/servers/${tagged.body.server.id}`, { token: demo, version: '2.52' })).body.server;
  assert.deepEqual(s.tags, ['a', 'b']);
});

test('limit=0 lists nothing; a malformed changes-since is a 400; changes-before from 2.66', async () => {
  const zero = await nova('GET', '/servers?limit=0', { token: demo });
  assert.equal(zero.status, 200);
  assert.deepEqual(zero.body.servers, []);
  assert.equal((await nova('GET', '/servers/detail?limit=0', { token: demo })).body.servers.length, 0);
  const bad = await nova('GET', '/servers?changes-since=2011/01/01', { token: demo });
  assert.equal(bad.status, 400);
  assert.match(bad.body.badRequest.message, /changes-since/);
  const future = await nova('GET', '/servers?changes-since=2099-01-01T00:00:00Z', { token: demo });
  assert.deepEqual(future.body.servers, []);
  const past = await nova('GET', '/servers?changes-since=2000-01-01', { token: demo });
  assert.ok(past.body.servers.some((s: { id: string }) => s.id === server));
  // Deleted servers are listed by changes-since, as Nova's API reference says.
  const gone = (await boot('gone-vm', {}, demo)).body.server.id;
  await settle(gone, 'ACTIVE', demo);
  assert.equal((await nova('DELETE', `/servers/${gone}`, { token: demo })).status, 204);
  await eventually(
    'the deleted server to be listed by changes-since',
    async () => {
      const l = await nova('GET', '/servers/detail?changes-since=2000-01-01', { token: demo });
      return l.body.servers.find((s: { id: string; status: string }) => s.id === gone && s.status === 'DELETED') ?? null;
    },
    30_000,
    100,
  );
  assert.ok(!(await nova('GET', '/servers', { token: demo })).body.servers.some((s: { id: string }) => s.id === gone));
  const before = await nova('GET', '/servers?changes-before=2000-01-01T00:00:00Z', { token: demo, version: '2.66' });
  assert.equal(before.status, 200);
  assert.deepEqual(before.body.servers, []);
  const crossed = await nova('GET', '/servers?changes-since=2020-01-01&changes-before=2010-01-01', { token: demo, version: '2.66' });
  assert.equal(crossed.status, 400);
  assert.match(crossed.body.badRequest.message, /changes-since must be less than or equal to changes-before/);
});

test('GET /v2/ is the v2.0 version document; GET / links to it', async () => {
  const root = await nova('GET', '/', { root: true });
  const v2link = root.body.versions.find((v: { id: string }) => v.id === 'v2.0').links[0].href as string;
  const doc = await fetch(v2link);
  assert.equal(doc.status, 200);
  const body = (await doc.json()) as { version: { id: string; status: string; links: { rel: string; href: string }[] } };
  assert.equal(body.version.id, 'v2.0');
  assert.equal(body.version.status, 'SUPPORTED');
  assert.equal(body.version.links.find((l) => l.rel === 'self')!.href, v2link);
});

test('GET /extensions lists the legacy extensions; /extensions/{alias} shows one or 404', async () => {
  const list = await nova('GET', '/extensions', { token: demo });
  assert.equal(list.status, 200);
  assert.ok(list.body.extensions.some((e: { name: string; alias: string }) => e.name === 'Hosts' && e.alias === 'os-hosts'));
  const one = await nova('GET', '/extensions/os-consoles', { token: demo });
  assert.equal(one.status, 200);
  assert.equal(one.body.extension.alias, 'os-consoles');
  assert.deepEqual(Object.keys(one.body.extension).sort(), ['alias', 'description', 'links', 'name', 'namespace', 'updated']);
  assert.equal((await nova('GET', '/extensions/os-nothing', { token: demo })).status, 404);
});

test('DELETE of a flavor extra spec answers 200 with no body, as Nova', async () => {
  const f = await nova('POST', '/flavors', { body: { flavor: { name: 'spec-flavor', ram: 64, vcpus: 1, disk: 1 } } });
  const id = f.body.flavor.id;
  await nova('POST', `/flavors/${id}/os-extra_specs`, { body: { extra_specs: { 'hw:cpu_policy': 'shared' } } });
  const r = await nova('DELETE', `/flavors/${id}/os-extra_specs/hw:cpu_policy`);
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
  assert.deepEqual((await nova('GET', `/flavors/${id}/os-extra_specs`)).body.extra_specs, {});
});

test(
  'the real openstack CLI renames a server: openstack server set --name',
  { skip: hasCli ? false : 'python3-openstackclient is not installed' },
  async () => {
    const env = cliEnv(lab);
    const id = (await boot('cli-vm')).body.server.id;
    await settle(id, 'ACTIVE');
    await run('openstack', ['server', 'set', '--name', 'cli-renamed', id], { env, timeout: 120_000 });
    const shown = JSON.parse((await run('openstack', ['server', 'show', id, '-f', 'json'], { env, timeout: 120_000 })).stdout);
    assert.equal(shown.name, 'cli-renamed');
    await run('openstack', ['server', 'set', '--description', 'from the CLI', id], {
      env: { ...env, OS_COMPUTE_API_VERSION: '2.19' },
      timeout: 120_000,
    });
    assert.equal((await nova('GET', `/servers/${id}`, { version: '2.19' })).body.server.description, 'from the CLI');
    await run('openstack', ['server', 'set', '--tag', 'cli', id], { env: { ...env, OS_COMPUTE_API_VERSION: '2.26' }, timeout: 120_000 });
    assert.deepEqual((await nova('GET', `/servers/${id}/tags`, { version: '2.26' })).body.tags, ['cli']);
    await run('openstack', ['server', 'set', '--state', 'error', id], { env, timeout: 120_000 });
    assert.equal((await nova('GET', `/servers/${id}`)).body.server.status, 'ERROR');
  },
);
