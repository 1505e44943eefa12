// /os-hosts over real HTTP (fake driver), as Nova answers it up to 2.42: the enabled service
// hosts with their zones, one host's resource rows, enable/disable of the compute service (the
// scheduler stops placing guests there), 501 for what no lab driver does, 404 from 2.43.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let imageId: string;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  imageId = await labImageId(lab, admin);
});
after(async () => {
  await lab?.stop();
});

const nova = (method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}) =>
  novaRequest(lab, opts.token ?? admin, method, p, { version: opts.version ?? '2.42', body: opts.body });
const fault = faultOf;

test('GET /os-hosts lists every enabled service host with its service and zone, filtered by zone', async () => {
  const r = await nova('GET', '/os-hosts');
  assert.equal(r.status, 200);
  const computes = r.body.hosts.filter((h: any) => h.service === 'compute');
  assert.deepEqual(computes.map((h: any) => h.host_name).sort(), ['host-a', 'host-b', 'host-c', 'host-d']);
  assert.equal(computes.find((h: any) => h.host_name === 'host-c').zone, 'az-east');
  assert.ok(r.body.hosts.some((h: any) => h.service === 'scheduler' && h.zone === 'internal'));
  assert.ok(r.body.hosts.every((h: any) => Object.keys(h).sort().join() === 'host_name,service,zone'));
  assert.ok(!r.body.hosts.some((h: any) => h.service === 'api'), 'the API service is not a host row');

  const east = await nova('GET', '/os-hosts?zone=az-east');
  assert.deepEqual(east.body.hosts.map((h: any) => h.host_name).sort(), ['host-c', 'host-d']);
  assert.deepEqual((await nova('GET', '/os-hosts?zone=nowhere')).body.hosts, []);
  assert.equal((await nova('GET', '/os-hosts?zone=')).body.hosts.length, r.body.hosts.length, 'a blank zone filters nothing');
});

test('os-hosts is admin-only and gone from 2.43', async () => {
  for (const [method, p] of [
    ['GET', '/os-hosts'],
    ['GET', '/os-hosts/host-a'],
    ['GET', '/os-hosts/host-a/reboot'],
  ] as const) {
    const r = await nova(method, p, { token: demo });
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.match(fault(r).message, /os_compute_api:os-hosts/);
    assert.equal((await nova(method, p, { version: '2.43' })).status, 404, `${method} ${p} at 2.43`);
  }
  assert.equal((await nova('PUT', '/os-hosts/host-a', { token: demo, body: { status: 'enable' } })).status, 403);
});

test('GET /os-hosts/{host}: (total), (used_now), (used_max) and one row per project with guests there', async () => {
  const boot = await nova('POST', '/servers', {
    version: '2.37',
    body: { server: { name: 'on-a', imageRef: imageId, flavorRef: '1', networks: 'none', availability_zone: 'nova:host-a' } },
  });
  assert.equal(boot.status, 202, JSON.stringify(boot.body));
  const id = boot.body.server.id as string;
  await eventually('server on host-a', async () => (await nova('GET', `/servers/${id}`)).body.server.status === 'ACTIVE', 30_000, 100);
  const flavor = (await nova('GET', '/flavors/1')).body.flavor;

  const r = await nova('GET', '/os-hosts/host-a');
  assert.equal(r.status, 200);
  const rows = r.body.host.map((x: any) => x.resource);
  assert.deepEqual(
    rows.slice(0, 3).map((x: any) => x.project),
    ['(total)', '(used_now)', '(used_max)'],
  );
  const hyp = (await nova('GET', '/os-hypervisors/detail')).body.hypervisors.find((h: any) => h.service.host === 'host-a');
  assert.deepEqual(rows[0], { host: 'host-a', project: '(total)', cpu: hyp.vcpus, memory_mb: hyp.memory_mb, disk_gb: hyp.local_gb });
  assert.equal(rows[1].memory_mb, hyp.memory_mb_used);
  const mine = rows.find((x: any) => x.project === boot.body.server.tenant_id || !x.project.startsWith('('));
  assert.ok(mine, JSON.stringify(rows));
  assert.deepEqual([mine.cpu, mine.memory_mb, mine.disk_gb], [flavor.vcpus, flavor.ram, flavor.disk + flavor['OS-FLV-EXT-DATA:ephemeral']]);
  assert.ok(rows[2].memory_mb >= flavor.ram);

  const missing = await nova('GET', '/os-hosts/nonexistent_hostname');
  assert.equal(missing.status, 404);
  assert.equal(fault(missing).message, 'Compute host nonexistent_hostname could not be found.');
  assert.equal((await nova('DELETE', `/servers/${id}`, { version: '2.37' })).status, 204);
});

test('PUT /os-hosts/{host} status disable/enable flips the compute service, and the host leaves the list', async () => {
  const off = await nova('PUT', '/os-hosts/host-b', { body: { status: 'Disable' } });
  assert.equal(off.status, 200);
  assert.deepEqual(off.body, { host: 'host-b', status: 'disabled' });
  const svc = async () =>
    (await nova('GET', '/os-services?binary=nova-compute&host=host-b')).body.services[0] as { status: string; disabled_reason: unknown };
  assert.equal((await svc()).status, 'disabled');
  assert.ok(!(await nova('GET', '/os-hosts')).body.hosts.some((h: any) => h.host_name === 'host-b' && h.service === 'compute'));

  const on = await nova('PUT', '/os-hosts/host-b', { body: { status: 'enable' } });
  assert.deepEqual(on.body, { host: 'host-b', status: 'enabled' });
  assert.equal((await svc()).status, 'enabled');
});

test('PUT /os-hosts/{host}: Nova validation, 404 for an unknown host, 501 for maintenance mode', async () => {
  for (const body of [
    { status: null, maintenance_mode: null },
    { status: 'invalid', maintenance_mode: 'enable' },
    { status: 'enable', maintenance_mode: 'invalid' },
    { other: 1 },
  ]) {
    const r = await nova('PUT', '/os-hosts/host-a', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(r.body.badRequest, JSON.stringify(r.body));
  }
  assert.deepEqual((await nova('PUT', '/os-hosts/host-a', { body: {} })).body, { host: 'host-a' });
  const missing = await nova('PUT', '/os-hosts/nonexistent_hostname', { body: { status: 'enable', maintenance_mode: 'enable' } });
  assert.equal(missing.status, 404);
  const maint = await nova('PUT', '/os-hosts/host-a', { body: { maintenance_mode: 'enable' } });
  assert.equal(maint.status, 501);
  assert.ok(maint.body.notImplemented ?? maint.body.computeFault, JSON.stringify(maint.body));
});

test('GET /os-hosts/{host}/startup|shutdown|reboot: 404 for an unknown host, 501 otherwise (no lab driver powers a host)', async () => {
  for (const action of ['startup', 'shutdown', 'reboot']) {
    assert.equal((await nova('GET', `/os-hosts/nonexistent_hostname/${action}`)).status, 404, action);
    assert.equal((await nova('GET', `/os-hosts/host-a/${action}`)).status, 501, action);
  }
});

test('GET /servers/{id}/diagnostics: the driver dict before 2.48, the standard format from 2.48, admin only, 409 when stopped', async () => {
  const boot = await nova('POST', '/servers', {
    token: demo,
    version: '2.37',
    body: { server: { name: 'diag', imageRef: imageId, flavorRef: '1', networks: 'none' } },
  });
  assert.equal(boot.status, 202, JSON.stringify(boot.body));
  const id = boot.body.server.id as string;
  await eventually('diag ACTIVE', async () => (await nova('GET', `/servers/${id}`)).body.server.status === 'ACTIVE', 30_000, 100);
  const flavor = (await nova('GET', '/flavors/1')).body.flavor;

  const old = await nova('GET', `/servers/${id}/diagnostics`, { version: '2.1' });
  assert.equal(old.status, 200, JSON.stringify(old.body));
  assert.equal(old.body.memory, flavor.ram * 1024);
  assert.equal(typeof old.body.cpu0_time, 'number');
  assert.deepEqual(
    ['vda_read', 'vda_read_req', 'vda_write', 'vda_write_req', 'vda_errors'].map((k) => typeof old.body[k]),
    ['number', 'number', 'number', 'number', 'number'],
  );

  const std = (await nova('GET', `/servers/${id}/diagnostics`, { version: '2.48' })).body;
  assert.deepEqual(Object.keys(std).sort(), [
    'config_drive',
    'cpu_details',
    'disk_details',
    'driver',
    'hypervisor',
    'hypervisor_os',
    'memory_details',
    'nic_details',
    'num_cpus',
    'num_disks',
    'num_nics',
    'state',
    'uptime',
  ]);
  assert.equal(std.state, 'running');
  assert.equal(std.num_cpus, flavor.vcpus);
  assert.equal(std.cpu_details.length, flavor.vcpus);
  assert.deepEqual(std.memory_details, { maximum: flavor.ram, used: flavor.ram });
  assert.equal(std.num_disks, std.disk_details.length);
  assert.ok(std.uptime >= 0);

  const mine = await nova('GET', `/servers/${id}/diagnostics`, { token: demo });
  assert.equal(mine.status, 403, 'a member may not read even its own server');
  assert.match(fault(mine).message, /os-server-diagnostics/);
  assert.equal((await nova('GET', '/servers/00000000-0000-4000-8000-000000000000/diagnostics')).status, 404);

  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { 'os-stop': null } })).status, 202);
  await eventually('diag SHUTOFF', async () => (await nova('GET', `/servers/${id}`)).body.server.status === 'SHUTOFF', 30_000, 100);
  const stopped = await nova('GET', `/servers/${id}/diagnostics`);
  assert.equal(stopped.status, 409);
  assert.match(fault(stopped).message, /power state shutdown/);
});
