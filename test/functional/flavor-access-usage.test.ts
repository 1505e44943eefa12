// Private flavors and flavor access, simple tenant usage and the usage audit log over real HTTP
// (fake driver), with Nova's status codes, bodies, microversions and policy: a private flavor
// is seen and booted only by admins and the projects given access; usage is computed from the
// instance records the conductor keeps; the audit log answers as Nova's when no audit has run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest, type NovaReply } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let demoProject: string;
let adminProject: string;
let imageId: string;

const nova = (method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}) =>
  novaRequest(lab, opts.token ?? admin, method, p, { version: opts.version ?? '2.1', body: opts.body });

const fault = faultOf;
const action = (flavor: string, body: unknown, o: { token?: string; version?: string } = {}) =>
  nova('POST', `/flavors/${flavor}/action`, { ...o, body });
let seq = 0;
async function flavor(isPublic: boolean): Promise<string> {
  const r = await nova('POST', '/flavors', {
    body: { flavor: { name: `fa-${++seq}-${isPublic}`, ram: 64, vcpus: 1, disk: 1, 'os-flavor-access:is_public': isPublic } },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.flavor.id as string;
}

async function boot(token: string, flavorRef: string, name: string): Promise<NovaReply> {
  return nova('POST', '/servers', { token, version: '2.37', body: { server: { name, imageRef: imageId, flavorRef, networks: 'none' } } });
}
const active = (id: string, token: string) =>
  eventually(`server ${id} ACTIVE`, async () => {
    const s = (await nova('GET', `/servers/${id}`, { token })).body.server;
    return s.status === 'ACTIVE' && s;
  });

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  const who = await fetch(lab.url('keystone', '/v3/auth/tokens'), { headers: { 'X-Auth-Token': demo, 'X-Subject-Token': demo } });
  demoProject = ((await who.json()) as { token: { project: { id: string } } }).token.project.id;
  const me = await fetch(lab.url('keystone', '/v3/auth/tokens'), { headers: { 'X-Auth-Token': admin, 'X-Subject-Token': admin } });
  adminProject = ((await me.json()) as { token: { project: { id: string } } }).token.project.id;
  imageId = await labImageId(lab, admin);
});
after(async () => {
  await lab?.stop();
});

test("flavor access lists: Nova's bodies, conflicts and not-founds, admin only", async () => {
  const priv = await flavor(false);
  const pub = await flavor(true);
  assert.deepEqual((await nova('GET', `/flavors/${priv}/os-flavor-access`)).body, { flavor_access: [] });
  const onPublic = await nova('GET', `/flavors/${pub}/os-flavor-access`);
  assert.equal(onPublic.status, 404);
  assert.equal(fault(onPublic).message, 'Access list not available for public flavors.');
  assert.equal(fault(await nova('GET', '/flavors/nope/os-flavor-access')).message, 'Flavor nope could not be found.');

  const added = await action(priv, { addTenantAccess: { tenant: demoProject } });
  assert.equal(added.status, 200);
  assert.deepEqual(added.body, { flavor_access: [{ flavor_id: priv, tenant_id: demoProject }] });
  assert.deepEqual((await nova('GET', `/flavors/${priv}/os-flavor-access`)).body, added.body);

  const again = await action(priv, { addTenantAccess: { tenant: demoProject } });
  assert.equal(again.status, 409);
  assert.equal(fault(again).message, `Flavor access already exists for flavor ${priv} and project ${demoProject} combination.`);
  // A project keystone does not know is refused on add; on remove only the list decides.
  const unknown = await action(priv, { addTenantAccess: { tenant: 'no-such-project' } });
  assert.equal(unknown.status, 400);
  assert.equal(fault(unknown).message, 'Project ID no-such-project is not a valid project.');
  const notThere = await action(priv, { removeTenantAccess: { tenant: 'no-such-project' } });
  assert.equal(notThere.status, 404);
  assert.equal(fault(notThere).message, `Flavor access not found for ${priv} / no-such-project combination.`);

  // Adding a project to a public flavor: accepted before 2.7, a 409 from 2.7 on.
  const pub27 = await action(pub, { addTenantAccess: { tenant: demoProject } }, { version: '2.7' });
  assert.equal(pub27.status, 409);
  assert.equal(fault(pub27).message, 'Can not add access to a public flavor.');
  assert.equal((await action(pub, { addTenantAccess: { tenant: demoProject } })).status, 200);

  // Members may do none of it; the body is checked first, as Nova's schema runs before policy.
  for (const body of [{ addTenantAccess: { tenant: demoProject } }, { removeTenantAccess: { tenant: demoProject } }]) {
    const r = await action(priv, body, { token: demo });
    assert.equal(r.status, 403);
    assert.equal(
      fault(r).message,
      `Policy doesn't allow os_compute_api:os-flavor-access:${'addTenantAccess' in body ? 'add' : 'remove'}_tenant_access to be performed.`,
    );
  }
  assert.equal((await nova('GET', `/flavors/${priv}/os-flavor-access`, { token: demo })).status, 403);
  assert.equal((await action(priv, { addTenantAccess: {} }, { token: demo })).status, 400);
  assert.equal(fault(await action(priv, { shareIt: {} })).message, 'There is no such action: shareIt');
  assert.equal((await action(priv, { addTenantAccess: { tenant: '' } })).status, 400);

  const removed = await action(priv, { removeTenantAccess: { tenant: demoProject } });
  assert.deepEqual(removed.body, { flavor_access: [] });
});

test('a private flavor is listed, shown and booted only by admins and the projects given access', async () => {
  const priv = await flavor(false);
  const names = async (token: string, q = '') =>
    ((await nova('GET', `/flavors/detail${q}`, { token })).body.flavors as { id: string }[]).map((f) => f.id);

  // Admin: by default the public flavors and those its project has access to (not this one);
  // is_public=None every flavor, false the private ones only.
  assert.ok(!(await names(admin)).includes(priv));
  assert.ok((await names(admin, '?is_public=None')).includes(priv));
  const privOnly = await names(admin, '?is_public=false');
  assert.ok(privOnly.includes(priv) && !privOnly.includes('1'));
  assert.equal((await nova('GET', `/flavors/${priv}`)).status, 200);
  assert.equal(fault(await nova('GET', '/flavors?is_public=maybe')).message, 'Invalid is_public filter [maybe]');

  // Demo, without access: no such flavor; is_public means nothing to a member.
  assert.ok(!(await names(demo)).includes(priv));
  assert.ok(!(await names(demo, '?is_public=None')).includes(priv));
  assert.equal(fault(await nova('GET', `/flavors/${priv}`, { token: demo })).message, `Flavor ${priv} could not be found.`);
  const refused = await boot(demo, priv, 'no-access');
  assert.equal(refused.status, 400);
  assert.equal(fault(refused).message, `Flavor ${priv} could not be found.`);

  assert.equal((await action(priv, { addTenantAccess: { tenant: demoProject } })).status, 200);
  assert.equal((await action(priv, { addTenantAccess: { tenant: adminProject } })).status, 200);
  assert.ok((await names(demo)).includes(priv));
  assert.equal((await nova('GET', `/flavors/${priv}`, { token: demo })).body.flavor['os-flavor-access:is_public'], false);
  const booted = await boot(demo, priv, 'with-access');
  assert.equal(booted.status, 202, JSON.stringify(booted.body));
  assert.equal((await active(booted.body.server.id, demo)).flavor.original_name ?? priv, priv);
  assert.equal((await nova('DELETE', `/servers/${booted.body.server.id}`, { token: demo })).status, 204);
  // What demo's requests showed in its event view names no other project given access.
  const events = await fetch(lab.url('gui', '/lab/api/events'), { headers: { 'X-Auth-Token': demo } });
  assert.equal(events.status, 200);
  assert.ok(!(await events.text()).includes(adminProject), "demo's event view shows the admin project's id");

  // Deleting the flavor drops its access list.
  assert.equal((await nova('DELETE', `/flavors/${priv}`)).status, 202);
  assert.equal((await nova('GET', `/flavors/${priv}/os-flavor-access`)).status, 404);
});

test('simple tenant usage: per project, from the instance records; admin lists, a project reads its own', async () => {
  const before = new Date(Date.now() - 3600_000).toISOString().slice(0, 19);
  const later = new Date(Date.now() + 86400_000).toISOString().slice(0, 23);
  const a = await boot(demo, '1', 'usage-a');
  const b = await boot(demo, '2', 'usage-b');
  const [ia, ib] = [a.body.server.id as string, b.body.server.id as string];
  await active(ia, demo);
  await active(ib, demo);
  assert.equal((await nova('DELETE', `/servers/${ib}`, { token: demo })).status, 204);
  await eventually('usage-b gone', async () => (await nova('GET', `/servers/${ib}`, { token: demo })).status === 404);
  const range = `start=${before}&end=${later}`;

  const list = await nova('GET', `/os-simple-tenant-usage?${range}&detailed=1`);
  assert.equal(list.status, 200);
  const mine = (list.body.tenant_usages as any[]).find((u) => u.tenant_id === demoProject);
  assert.deepEqual(Object.keys(mine).sort(), [
    'server_usages',
    'start',
    'stop',
    'tenant_id',
    'total_hours',
    'total_local_gb_usage',
    'total_memory_mb_usage',
    'total_vcpus_usage',
  ]);
  assert.match(mine.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  const ua = mine.server_usages.find((s: any) => s.instance_id === ia);
  const ub = mine.server_usages.find((s: any) => s.instance_id === ib);
  assert.deepEqual(
    { ...ua, hours: typeof ua.hours, started_at: typeof ua.started_at, uptime: typeof ua.uptime },
    {
      instance_id: ia,
      name: 'usage-a',
      tenant_id: demoProject,
      flavor: 'm1.tiny',
      hours: 'number',
      memory_mb: 256,
      local_gb: 1,
      vcpus: 1,
      started_at: 'string',
      ended_at: null,
      state: 'active',
      uptime: 'number',
    },
  );
  assert.equal(ub.state, 'terminated');
  assert.match(ub.ended_at, /^\d{4}-\d\d-\d\dT/);
  // The totals are the sums over the project's instances (the earlier test's one included).
  const sum = (f: (u: any) => number) => (mine.server_usages as any[]).reduce((t, u) => t + f(u), 0);
  assert.ok(mine.total_hours > 0 && Math.abs(mine.total_hours - sum((u) => u.hours)) < 1e-9);
  assert.ok(Math.abs(mine.total_vcpus_usage - sum((u) => u.vcpus * u.hours)) < 1e-9);
  assert.ok(Math.abs(mine.total_memory_mb_usage - sum((u) => u.memory_mb * u.hours)) < 1e-6);
  assert.ok(Math.abs(mine.total_local_gb_usage - sum((u) => u.local_gb * u.hours)) < 1e-9);
  // Without detailed=1: the totals only.
  const brief = (await nova('GET', `/os-simple-tenant-usage?${range}`)).body.tenant_usages.find((u: any) => u.tenant_id === demoProject);
  assert.equal('server_usages' in brief, false);

  // A project reads its own; not another's, and not the list.
  const own = await nova('GET', `/os-simple-tenant-usage/${demoProject}?${range}`, { token: demo });
  assert.equal(own.status, 200);
  const ids = (u: { server_usages: { instance_id: string }[] }) => u.server_usages.map((x) => x.instance_id);
  assert.deepEqual(ids(own.body.tenant_usage), ids(mine));
  const other = await nova('GET', `/os-simple-tenant-usage/someone-else?${range}`, { token: demo });
  assert.equal(fault(other).message, "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.");
  assert.equal((await nova('GET', `/os-simple-tenant-usage?${range}`, { token: demo })).status, 403);
  // A project with no instances in the period: an empty usage.
  assert.deepEqual((await nova('GET', `/os-simple-tenant-usage/empty-project?${range}`)).body, { tenant_usage: {} });

  // Nova's refusals: start after end, a time in no accepted format, an empty tenant id.
  const backwards = await nova('GET', `/os-simple-tenant-usage/${demoProject}?start=${later}&end=${before}`);
  assert.equal(fault(backwards).message, 'Invalid start time. The start time cannot occur after the end time.');
  const badTime = await nova('GET', `/os-simple-tenant-usage?start=yesterday`);
  assert.equal(fault(badTime).message, 'Invalid datetime string: Datetime is in invalid format');
  assert.equal((await nova('GET', `/os-simple-tenant-usage/?${range}`)).status, 404);

  // From 2.40: pages of instances with a next link; before it, limit means nothing.
  const page1 = await nova('GET', `/os-simple-tenant-usage/${demoProject}?${range}&limit=1`, { version: '2.40' });
  assert.equal(page1.body.tenant_usage.server_usages.length, 1);
  const next = page1.body.tenant_usage_links[0];
  assert.equal(next.rel, 'next');
  const first = page1.body.tenant_usage.server_usages[0].instance_id;
  assert.match(next.href, new RegExp(`/v2\\.1/os-simple-tenant-usage/${demoProject}\\?end=.*&limit=1&marker=${first}&start=`));
  const page2 = await nova('GET', next.href.slice(next.href.indexOf('/os-simple-tenant-usage')), { version: '2.40' });
  assert.equal(page2.body.tenant_usage.server_usages.length, 1);
  assert.notEqual(page2.body.tenant_usage.server_usages[0].instance_id, first);
  const listPage = await nova('GET', `/os-simple-tenant-usage?${range}&limit=1`, { version: '2.40' });
  assert.equal(listPage.body.tenant_usages_links[0].rel, 'next');
  const badMarker = await nova('GET', `/os-simple-tenant-usage?${range}&marker=nope`, { version: '2.40' });
  assert.equal(fault(badMarker).message, 'Marker nope could not be found.');
  const old = await nova('GET', `/os-simple-tenant-usage/${demoProject}?${range}&limit=1`);
  assert.equal(old.body.tenant_usage.server_usages.length, mine.server_usages.length);
  assert.equal('tenant_usage_links' in old.body, false);
  // From 2.75 an unknown query parameter is refused.
  assert.equal((await nova('GET', `/os-simple-tenant-usage?${range}&color=red`, { version: '2.75' })).status, 400);
});

test('the usage audit log: admin only, the last completed month, every compute host not yet run', async () => {
  const computes = ((await nova('GET', '/os-services?binary=nova-compute')).body.services as { host: string }[]).map((s) => s.host);
  const index = await nova('GET', '/os-instance_usage_audit_log');
  assert.equal(index.status, 200);
  const log = index.body.instance_usage_audit_logs;
  const now = new Date();
  const month = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01 00:00:00`;
  assert.equal(log.period_ending, month(now));
  assert.equal(log.period_beginning, month(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))));
  assert.equal(log.num_hosts, computes.length);
  assert.deepEqual([...log.hosts_not_run].sort(), [...computes].sort());
  assert.equal(log.overall_status, `0 of ${computes.length} hosts done. 0 errors.`);
  assert.deepEqual(
    [log.num_hosts_done, log.num_hosts_running, log.num_hosts_not_run, log.total_instances, log.total_errors, log.log],
    [0, 0, computes.length, 0, 0, {}],
  );

  const shown = await nova('GET', `/os-instance_usage_audit_log/${encodeURIComponent('2026-03-15 10:00:00')}`);
  assert.equal(shown.body.instance_usage_audit_log.period_beginning, '2026-02-01 00:00:00');
  assert.equal(shown.body.instance_usage_audit_log.period_ending, '2026-03-01 00:00:00');
  const bad = await nova('GET', '/os-instance_usage_audit_log/invalid_time');
  assert.equal(fault(bad).message, 'Invalid timestamp for date invalid_time');
  assert.equal((await nova('GET', '/os-instance_usage_audit_log', { token: demo })).status, 403);
  assert.equal((await nova('GET', '/os-instance_usage_audit_log/2026-03-15%2010:00:00', { token: demo })).status, 403);
});
