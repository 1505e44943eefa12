// nova-api with the whole backend over real HTTP (fake compute driver): the REST contract a
// student meets — create to ACTIVE, fields, actions and conflicts, console output, who may
// see what, the metadata service — and the real `openstack` CLI running the sequence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliEnv, eventually, labToken, processTree, startLab, type LabHandle } from '../../harness/lab-process.js';
import { labImageId, novaRequest } from '../../harness/nova-http.js';

const run = promisify(execFile);
const hasCli = fs.existsSync('/usr/bin/openstack');

let lab: LabHandle;
let admin: string;
let demo: string;
let imageId: string;

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  imageId = await labImageId(lab, admin);
});
after(async () => {
  await lab?.stop();
});

const nova = (method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}) =>
  novaRequest(lab, opts.token ?? admin, method, p, { version: opts.version, body: opts.body });

async function boot(name: string, token = admin): Promise<string> {
  const r = await nova('POST', '/servers', {
    token,
    version: '2.37',
    body: { server: { name, imageRef: imageId, flavorRef: '1', networks: 'none' } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.server.id;
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

test('ps shows one nova-api master and osapi_compute + metadata + ec2 workers', () => {
  const titles = processTree(lab.child.pid!).map((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '');
    } catch {
      return '';
    }
  });
  assert.equal(titles.filter((t) => t === 'nova-api').length, 1 + 2 + 1 + 1);
});

test("a server goes from BUILD to ACTIVE and shows Nova's fields for the version asked", async () => {
  const id = await boot('rest-vm');
  const s = await settle(id, 'ACTIVE');
  assert.equal(s['OS-EXT-STS:vm_state'], 'active');
  assert.equal(s['OS-EXT-STS:power_state'], 1);
  assert.ok(s['OS-EXT-SRV-ATTR:host']);
  assert.deepEqual(Object.keys(s.flavor).sort(), ['id', 'links']);
  const v247 = (await nova('GET', `/servers/${id}`, { version: '2.47' })).body.server;
  assert.equal(v247.flavor.original_name, 'm1.tiny');
  const v296 = (await nova('GET', `/servers/${id}`, { version: '2.96' })).body.server;
  for (const k of ['locked_reason', 'pinned_availability_zone', 'server_groups', 'trusted_image_certificates', 'host_status'])
    assert.ok(k in v296, k);
  const actions = (await nova('GET', `/servers/${id}/os-instance-actions`)).body.instanceActions;
  const events = (await nova('GET', `/servers/${id}/os-instance-actions/${actions[0].request_id}`, { version: '2.84' })).body;
  assert.equal(events.instanceAction.action, 'create');
  assert.ok(events.instanceAction.events.length > 0);
  const trace = await nova('GET', `/servers/${id}/os-scheduler-trace`);
  assert.equal(trace.body.traces[0].chosen, s['OS-EXT-SRV-ATTR:host']);
});

test("actions change state through compute; the wrong state is a 409 with Nova's message", async () => {
  const id = await boot('action-vm');
  await settle(id, 'ACTIVE');
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { pause: null } })).status, 202);
  await settle(id, 'PAUSED');
  const again = await nova('POST', `/servers/${id}/action`, { body: { pause: null } });
  assert.equal(again.status, 409);
  assert.equal(again.body.conflictingRequest.message, `Cannot 'pause' instance ${id} while it is in vm_state paused`);
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { unpause: null } })).status, 202);
  await settle(id, 'ACTIVE');
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { 'os-stop': null } })).status, 202);
  await settle(id, 'SHUTOFF');
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { 'os-stop': null } })).status, 409);
  assert.equal((await nova('POST', `/servers/${id}/action`, { body: { 'os-start': null } })).status, 202);
  await settle(id, 'ACTIVE');
  assert.equal((await nova('DELETE', `/servers/${id}`)).status, 204);
  await eventually('the server to be gone', async () => (await nova('GET', `/servers/${id}`)).status === 404, 30_000, 100);
});

test('console output honours length: exactly the last N lines', async () => {
  const id = await boot('console-vm');
  await settle(id, 'ACTIVE');
  const full = (await nova('POST', `/servers/${id}/action`, { body: { 'os-getConsoleOutput': {} } })).body.output as string;
  assert.ok(full.length > 0);
  const lines = full.replace(/\n$/, '').split('\n');
  const two = (await nova('POST', `/servers/${id}/action`, { body: { 'os-getConsoleOutput': { length: 2 } } })).body.output as string;
  assert.deepEqual(two.replace(/\n$/, '').split('\n'), lines.slice(-2));
});

test("a member gets 403 on admin APIs and 404 on another project's server", async () => {
  const id = await boot('admins-vm');
  for (const p of ['/os-hypervisors/detail', '/os-services', '/os-aggregates', '/os-availability-zone/detail']) {
    const r = await nova('GET', p, { token: demo });
    assert.equal(r.status, 403, p);
    assert.match(r.body.forbidden.message, /^Policy doesn't allow os_compute_api:.* to be performed\.$/);
  }
  assert.equal((await nova('GET', `/servers/${id}`, { token: demo })).status, 404);
  assert.equal((await nova('DELETE', `/servers/${id}`, { token: demo })).status, 404);
  assert.equal((await nova('GET', '/servers/detail?all_tenants=1', { token: demo })).status, 403);
  const mine = await boot('demo-vm', demo);
  await settle(mine, 'ACTIVE', demo);
  const seen = (await nova('GET', `/servers/${mine}`, { token: demo })).body.server;
  assert.equal('OS-EXT-SRV-ATTR:host' in seen, false, 'members do not see the host');
});

test('the metadata service answers only a signed request, for that instance', async () => {
  const id = await boot('md-vm');
  await settle(id, 'ACTIVE');
  const secret = fs.readFileSync(path.join(lab.stateDir, 'secrets', 'metadata-hmac'), 'utf8').replace(/[\r\n]+$/, '');
  const get = (p: string, sig?: string) =>
    fetch(lab.url('metadata', p), { headers: sig ? { 'X-Instance-ID': id, 'X-Instance-ID-Signature': sig } : {} });
  assert.equal((await get('/openstack/latest/meta_data.json')).status, 403);
  assert.equal((await get('/openstack/latest/meta_data.json', 'f'.repeat(64))).status, 403);
  const ok = await get('/openstack/latest/meta_data.json', createHmac('sha256', secret).update(id).digest('hex'));
  assert.equal(ok.status, 200);
  const md = (await ok.json()) as { uuid: string; hostname: string };
  assert.deepEqual([md.uuid, md.hostname], [id, 'md-vm']);
});

async function openstack(args: string[], env: NodeJS.ProcessEnv = cliEnv(lab)): Promise<string> {
  try {
    return (await run('openstack', args, { env, timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')} failed: ${e.stderr || e.message}`, { cause: err });
  }
}
const json = async (args: string[]) => JSON.parse(await openstack([...args, '-f', 'json']));

test(
  "the real openstack CLI runs the issue's sequence at OS_COMPUTE_API_VERSION=2.37",
  { skip: hasCli ? false : 'python3-openstackclient is not installed' },
  async () => {
    const flavors = await json(['flavor', 'list']);
    assert.ok(flavors.some((f: { Name: string }) => f.Name === 'm1.tiny'));
    assert.equal((await json(['flavor', 'show', 'm1.tiny'])).ram, 256);
    assert.ok((await json(['image', 'list'])).some((i: { Name: string }) => i.Name === 'novalab-x86_64'));
    const created = await json(['server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', 'vm1']);
    assert.equal(created.status, 'ACTIVE');
    assert.ok((await json(['server', 'list'])).some((s: { Name: string; Status: string }) => s.Name === 'vm1' && s.Status === 'ACTIVE'));
    assert.equal((await json(['server', 'show', 'vm1'])).flavor, 'm1.tiny (1)');
    const expect: [string, string][] = [
      ['stop', 'SHUTOFF'],
      ['start', 'ACTIVE'],
      ['reboot', 'ACTIVE'],
      ['pause', 'PAUSED'],
      ['unpause', 'ACTIVE'],
      ['suspend', 'SUSPENDED'],
      ['resume', 'ACTIVE'],
    ];
    for (const [action, status] of expect) {
      await openstack(['server', action, 'vm1']);
      await eventually(
        `vm1 ${status} after ${action}`,
        async () => {
          const s = await json(['server', 'show', 'vm1']);
          return s.status === status && s['OS-EXT-STS:task_state'] === null;
        },
        30_000,
        250,
      );
    }
    const events = await json(['server', 'event', 'list', 'vm1']);
    assert.deepEqual(events.map((e: { Action: string }) => e.Action).reverse(), [
      'create',
      'stop',
      'start',
      'reboot',
      'pause',
      'unpause',
      'suspend',
      'resume',
    ]);
    const log = await openstack(['console', 'log', 'show', '--lines', '1', 'vm1']);
    assert.equal(log.replace(/\n$/, '').split('\n').length, 1);
    const hypervisors = await json(['hypervisor', 'list']);
    assert.deepEqual(hypervisors.map((h: { 'Hypervisor Hostname': string }) => h['Hypervisor Hostname']).sort(), [
      'host-a',
      'host-b',
      'host-c',
      'host-d',
    ]);
    const hyp = await json(['hypervisor', 'show', 'host-a']);
    assert.equal(hyp.vcpus, 4);
    assert.deepEqual(hyp.aggregates, ['fast-storage']);
    assert.ok((await json(['compute', 'service', 'list'])).some((s: { Binary: string }) => s.Binary === 'nova-compute'));
    await openstack(['compute', 'service', 'set', '--disable', 'host-b', 'nova-compute']);
    const b = (await json(['compute', 'service', 'list', '--service', 'nova-compute'])).find((s: { Host: string }) => s.Host === 'host-b');
    assert.equal(b.Status, 'disabled');
    await openstack(['compute', 'service', 'set', '--enable', 'host-b', 'nova-compute']);
    const zones = await json(['availability', 'zone', 'list', '--compute']);
    assert.deepEqual(zones.map((z: { 'Zone Name': string }) => z['Zone Name']).sort(), ['az-east', 'internal', 'nova']);
    const key = await openstack(['keypair', 'create', 'k1']);
    assert.match(key, /BEGIN RSA PRIVATE KEY/);
    assert.ok((await json(['keypair', 'list'])).some((k: { Name: string }) => k.Name === 'k1'));
    await openstack(['keypair', 'delete', 'k1']);
    assert.equal((await json(['keypair', 'list'])).length, 0);
    const quota = await json(['quota', 'show']);
    assert.ok(quota.instances > 0);
    const limits = await json(['limits', 'show', '--absolute']);
    assert.ok(limits.some((l: { Name: string }) => l.Name === 'maxTotalInstances'));
    await openstack(['server', 'delete', '--wait', 'vm1']);
    assert.equal(
      (await json(['server', 'list'])).some((s: { Name: string }) => s.Name === 'vm1'),
      false,
    );
  },
);
