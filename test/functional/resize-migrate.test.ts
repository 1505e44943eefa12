// Resize with confirm/revert and cold migration through the real compute API, two lab hosts,
// the fake driver: Nova's states on the way, the instance counted on both hosts until the move
// is confirmed or reverted, os-migrations, the scheduler's explanation of the move, and the
// refusals that leave nothing half done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startLab, topologyFile, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient, type ServerView } from '../../harness/compute-client.js';

let lab: LabHandle;
let nova: ComputeClient;
let image: string;

before(async () => {
  lab = await startLab({
    novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topologyFile([
      { name: 'h1', vcpus: 4, memory_mb: 4096, disk_gb: 40 },
      { name: 'h2', vcpus: 4, memory_mb: 4096, disk_gb: 40 },
    ])}\n`,
  });
  nova = await ComputeClient.admin(lab);
  image = await nova.imageId('novalab-x86_64');
});
after(async () => {
  await lab?.stop();
});

const hostOf = (s: ServerView) => String(s['OS-EXT-SRV-ATTR:host']);
const other = (h: string) => (h === 'h1' ? 'h2' : 'h1');

/** Memory each hypervisor counts as used, from os-hypervisors (what the scheduler sees). */
async function ramUsed(): Promise<Record<string, number>> {
  const r = await nova.request('GET', '/os-hypervisors/detail');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Object.fromEntries(
    (r.body.hypervisors as { service: { host: string }; memory_mb_used: number }[]).map((h) => [h.service.host, h.memory_mb_used]),
  );
}

async function statusIs(id: string, want: string): Promise<ServerView> {
  return eventually(
    `${id} ${want}`,
    async () => {
      const s = await nova.server(id);
      if (s.status === 'ERROR') throw new Error(`${id} went to ERROR: ${JSON.stringify(s.fault)}`);
      return s.status === want && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    60_000,
    100,
  );
}

const action = (id: string, body: unknown) => nova.request('POST', `/servers/${id}/action`, body);
const migrations = async (uuid: string) =>
  (await nova.request('GET', `/os-migrations?instance_uuid=${uuid}`)).body.migrations as Record<string, unknown>[];

async function boot(name: string, flavor = '1'): Promise<ServerView> {
  const s = await nova.settled(await nova.createServer(name, image, flavor));
  assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
  return s;
}

test('resize: RESIZE → VERIFY_RESIZE on the other host with the new flavor, claimed on both hosts until confirm', async () => {
  const s = await boot('rs1');
  const source = hostOf(s);
  const before = await ramUsed();
  const r = await action(s.id, { resize: { flavorRef: '2' } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const v = await statusIs(s.id, 'VERIFY_RESIZE');
  assert.equal(hostOf(v), other(source), 'allow_resize_to_same_host is False: the scheduler left the current host out');
  assert.equal(v['OS-EXT-STS:vm_state'], 'resized');
  assert.equal((v.flavor as { original_name: string }).original_name, 'm1.small');
  const during = await ramUsed();
  assert.equal(during[source], before[source], 'the source keeps the old flavor (256 MB) until confirm');
  assert.equal(during[other(source)], before[other(source)]! + 512, 'the destination holds the new flavor (512 MB)');

  const [m] = await migrations(s.id);
  assert.equal(m!.status, 'finished');
  assert.equal(m!.migration_type, 'resize');
  assert.equal(m!.source_compute, source);
  assert.equal(m!.dest_compute, other(source));
  assert.equal(m!.old_instance_type_id, 1);
  assert.equal(m!.new_instance_type_id, 2);

  // The scheduling is explained like a boot's, labelled as a resize, the source left out.
  const traces = (await nova.request('GET', `/servers/${s.id}/os-scheduler-trace`)).body?.traces as
    { kind?: string; chosen: string; filters: { name: string; rejected: { host: string }[] }[] }[] | undefined;
  const move = traces?.find((t) => t.kind === 'resize');
  assert.ok(move, `a resize trace: ${JSON.stringify(traces?.map((t) => t.kind))}`);
  assert.equal(move.chosen, other(source));
  assert.deepEqual(move.filters[0]!.name, 'ignore_hosts');
  assert.deepEqual(
    move.filters[0]!.rejected.map((x) => x.host),
    [source],
  );

  const c = await action(s.id, { confirmResize: null });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  const a = await statusIs(s.id, 'ACTIVE');
  assert.equal(hostOf(a), other(source));
  const after = await ramUsed();
  assert.equal(after[source], before[source]! - 256, 'confirm released the source');
  assert.equal(after[other(source)], before[other(source)]! + 512);
  assert.equal((await migrations(s.id))[0]!.status, 'confirmed');
  const events = (await nova.request('GET', `/servers/${s.id}/os-instance-actions`)).body.instanceActions.map(
    (x: { action: string }) => x.action,
  );
  assert.deepEqual(events.slice(0, 2), ['confirmResize', 'resize']);
});

test('revert: REVERT_RESIZE, then ACTIVE on the source with the old flavor and one claim again', async () => {
  const s = await boot('rs2', '2');
  const source = hostOf(s);
  const before = await ramUsed();
  assert.equal((await action(s.id, { resize: { flavorRef: '3' } })).status, 202);
  await statusIs(s.id, 'VERIFY_RESIZE');
  const r = await action(s.id, { revertResize: null });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const a = await statusIs(s.id, 'ACTIVE');
  assert.equal(hostOf(a), source);
  assert.equal((a.flavor as { original_name: string }).original_name, 'm1.small');
  assert.deepEqual(await ramUsed(), before, 'the destination released the new flavor');
  assert.equal((await migrations(s.id))[0]!.status, 'reverted');
});

test('cold migrate (admin) moves the server to the other host with its flavor; confirm keeps it there', async () => {
  const s = await boot('mg1');
  const source = hostOf(s);
  const r = await action(s.id, { migrate: null });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const v = await statusIs(s.id, 'VERIFY_RESIZE');
  assert.equal(hostOf(v), other(source));
  assert.equal((v.flavor as { original_name: string }).original_name, 'm1.tiny');
  assert.equal((await migrations(s.id))[0]!.migration_type, 'migration');
  assert.equal((await action(s.id, { confirmResize: null })).status, 204);
  assert.equal(hostOf(await statusIs(s.id, 'ACTIVE')), other(source));
});

test('a stopped server stays SHUTOFF through a resize and its confirm', async () => {
  const s = await boot('rs-off');
  assert.equal((await action(s.id, { 'os-stop': null })).status, 202);
  await statusIs(s.id, 'SHUTOFF');
  assert.equal((await action(s.id, { resize: { flavorRef: '2' } })).status, 202);
  const v = await statusIs(s.id, 'VERIFY_RESIZE');
  assert.equal(v['OS-EXT-STS:power_state'], 4);
  assert.equal((await action(s.id, { confirmResize: null })).status, 204);
  await statusIs(s.id, 'SHUTOFF');
});

test('refusals: same flavor, unknown flavor, wrong state, not resized, quota, policy, bad host: nothing changes', async () => {
  const s = await boot('rs-bad');
  const fault = (r: { body: Record<string, { code: number; message: string }> }) => Object.values(r.body)[0]!;
  let r = await action(s.id, { resize: { flavorRef: '1' } });
  assert.equal(r.status, 400);
  assert.equal(fault(r).message, 'When resizing, instances must change flavor!');
  r = await action(s.id, { resize: { flavorRef: 'nope' } });
  assert.equal(r.status, 400);
  assert.equal(fault(r).message, 'Flavor nope could not be found.');
  r = await action(s.id, { resize: {} });
  assert.equal(r.status, 400);
  r = await action(s.id, { confirmResize: null });
  assert.equal(r.status, 409);
  assert.match(fault(r).message, /Cannot 'confirmResize' instance .* while it is in vm_state active/);
  assert.equal((await action(s.id, { pause: null })).status, 202);
  await statusIs(s.id, 'PAUSED');
  r = await action(s.id, { resize: { flavorRef: '2' } });
  assert.equal(r.status, 409);
  assert.match(fault(r).message, /Cannot 'resize' instance .* while it is in vm_state paused/);
  r = await action(s.id, { migrate: null });
  assert.equal(r.status, 409);
  assert.equal((await action(s.id, { unpause: null })).status, 202);
  await statusIs(s.id, 'ACTIVE');

  const project = await nova.projectId();
  const used = (await nova.request('GET', `/os-quota-sets/${project}/detail`)).body.quota_set.ram.in_use as number;
  assert.equal((await nova.request('PUT', `/os-quota-sets/${project}`, { quota_set: { ram: used + 100 } })).status, 200);
  r = await action(s.id, { resize: { flavorRef: '3' } });
  assert.equal(r.status, 403);
  assert.equal(fault(r).message, `Quota exceeded for ram: Requested 768, but already used ${used} of ${used + 100} ram`);
  assert.equal((await nova.request('DELETE', `/os-quota-sets/${project}`)).status, 202);

  const v256 = await ComputeClient.admin(lab, '2.56');
  r = await v256.request('POST', `/servers/${s.id}/action`, { migrate: { host: 'no-such-host' } });
  assert.equal(r.status, 400);
  assert.equal(fault(r).message, 'Compute host no-such-host could not be found.');
  r = await v256.request('POST', `/servers/${s.id}/action`, { migrate: { host: hostOf(s) } });
  assert.equal(r.status, 400);
  assert.equal(fault(r).message, 'Cannot migrate to the host where the server exists.');

  const after = await nova.server(s.id);
  assert.equal(after.status, 'ACTIVE');
  assert.equal(hostOf(after), hostOf(s));
  assert.deepEqual(await migrations(s.id), [], 'no migration was recorded for a refused request');

  // A member may resize their own server but not migrate it, nor list migrations.
  const demo = await ComputeClient.user(lab, 'demo', 'demo');
  const mine = await demo.createServer('demo-vm', image, '1');
  assert.equal((await demo.settled(mine)).status, 'ACTIVE');
  assert.equal((await demo.request('POST', `/servers/${mine}/action`, { migrate: null })).status, 403);
  assert.equal((await demo.request('GET', '/os-migrations')).status, 403);
  assert.equal((await demo.request('POST', `/servers/${s.id}/action`, { resize: { flavorRef: '2' } })).status, 404);
});

test('a smaller root disk is refused on the source host: the server stays ACTIVE where it was, its claim on the destination released', async () => {
  const flavor = await nova.request('POST', '/flavors', { flavor: { name: 'small-disk', ram: 512, vcpus: 1, disk: 1, id: '71' } });
  assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
  const s = await boot('rs-down', '2'); // m1.small: 2 GB root disk
  const before = await ramUsed();
  assert.equal((await action(s.id, { resize: { flavorRef: '71' } })).status, 202);
  const m = await eventually(
    'the migration to fail',
    async () => {
      const [x] = await migrations(s.id);
      return x?.status === 'error' ? x : null;
    },
    60_000,
    100,
  );
  assert.equal(m.source_compute, hostOf(s));
  const a = await statusIs(s.id, 'ACTIVE');
  assert.equal(hostOf(a), hostOf(s));
  assert.equal((a.flavor as { original_name: string }).original_name, 'm1.small');
  assert.deepEqual(await ramUsed(), before);
  const actions = (await nova.request('GET', `/servers/${s.id}/os-instance-actions`)).body.instanceActions as { request_id: string }[];
  const detail = (await nova.request('GET', `/servers/${s.id}/os-instance-actions/${actions[0]!.request_id}`)).body.instanceAction;
  const failed = (detail.events as { event: string; result: string; details?: string }[]).find(
    (e) => e.event === 'compute_resize_instance',
  );
  assert.equal(failed?.result, 'Error');
});

test('with no other host up, a migrate finds none: the server stays ACTIVE and the explanation names the move', async () => {
  const s = await boot('mg-none');
  const target = other(hostOf(s));
  const svc = (await nova.request('GET', `/os-services?binary=nova-compute&host=${target}`)).body.services[0] as { id: string };
  assert.equal((await nova.request('PUT', `/os-services/${svc.id}`, { status: 'disabled' })).status, 200);
  try {
    assert.equal((await action(s.id, { migrate: null })).status, 202);
    const [m] = await eventually(
      'the migration to fail',
      async () => {
        const x = await migrations(s.id);
        return x[0]?.status === 'error' ? x : null;
      },
      60_000,
      100,
    );
    assert.equal(m!.dest_compute, null);
    const a = await statusIs(s.id, 'ACTIVE');
    assert.equal(hostOf(a), hostOf(s));
    const traces = (await nova.request('GET', `/servers/${s.id}/os-scheduler-trace`)).body.traces as {
      kind?: string;
      chosen: string | null;
      error: string;
    }[];
    const t = traces.find((x) => x.kind === 'migrate');
    assert.ok(t);
    assert.equal(t.chosen, null);
    assert.match(t.error, /No valid host was found/);
  } finally {
    await nova.request('PUT', `/os-services/${svc.id}`, { status: 'enabled' });
  }
});

test('deleting a server that awaits confirmation frees both hosts', async () => {
  const before = await ramUsed();
  const s = await boot('rs-del');
  assert.equal((await action(s.id, { resize: { flavorRef: '2' } })).status, 202);
  await statusIs(s.id, 'VERIFY_RESIZE');
  assert.equal((await nova.request('DELETE', `/servers/${s.id}`)).status, 204);
  await eventually(
    'the server to go',
    async () => ((await nova.request('GET', `/servers/${s.id}`)).status === 404 ? true : null),
    60_000,
    100,
  );
  await eventually(
    'both hosts to be free again',
    async () => (JSON.stringify(await ramUsed()) === JSON.stringify(before) ? true : null),
    30_000,
    200,
  );
  await eventually(
    'the migration to be confirmed',
    async () => ((await migrations(s.id))[0]?.status === 'confirmed' ? true : null),
    30_000,
    200,
  );
});

test('os-migrations fields follow the microversion', async () => {
  const at = async (v: string) => {
    const c = await ComputeClient.admin(lab, v);
    const r = await c.request('GET', '/os-migrations');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.migrations[0] as Record<string, unknown>;
  };
  const v21 = await at('2.1');
  assert.ok(!('migration_type' in v21) && !('uuid' in v21));
  assert.ok('migration_type' in (await at('2.23')));
  const v259 = await at('2.59');
  assert.ok('uuid' in v259 && !('user_id' in v259));
  const v280 = await at('2.80');
  assert.ok('user_id' in v280 && 'project_id' in v280);
  const c = await ComputeClient.admin(lab, '2.59');
  const page = await c.request('GET', '/os-migrations?limit=1');
  assert.equal(page.body.migrations.length, 1);
  assert.ok(page.body.migrations_links[0].href.includes(`marker=${page.body.migrations[0].uuid}`));
  assert.equal((await c.request('GET', '/os-migrations?bogus=1')).status, 400);
});

test('a single-host lab with allow_resize_to_same_host resizes in place (both flavors counted there) but never migrates', async () => {
  const one = await startLab({
    novaConf: `[DEFAULT]\ncompute_driver = fake\nallow_resize_to_same_host = True\n[novalab]\ntopology = ${topologyFile([
      { name: 'solo', vcpus: 4, memory_mb: 4096, disk_gb: 40 },
    ])}\n`,
  });
  try {
    const c = await ComputeClient.admin(one);
    const id = await c.createServer('solo-vm', await c.imageId('novalab-x86_64'), '1');
    assert.equal((await c.settled(id)).status, 'ACTIVE');
    const used = async () => (await c.request('GET', '/os-hypervisors/detail')).body.hypervisors[0].memory_mb_used as number;
    const wait = (want: string) =>
      eventually(
        want,
        async () => {
          const s = await c.server(id);
          return s.status === want && s['OS-EXT-STS:task_state'] === null ? s : null;
        },
        60_000,
        100,
      );
    assert.equal((await c.request('POST', `/servers/${id}/action`, { resize: { flavorRef: '2' } })).status, 202);
    assert.equal(hostOf(await wait('VERIFY_RESIZE')), 'solo');
    assert.equal(await used(), 256 + 512, 'the old and the new flavor on the same host until confirm or revert');
    assert.equal((await c.request('POST', `/servers/${id}/action`, { revertResize: null })).status, 202);
    assert.equal(((await wait('ACTIVE')).flavor as { original_name: string }).original_name, 'm1.tiny');
    assert.equal(await used(), 256);
    assert.equal((await c.request('POST', `/servers/${id}/action`, { migrate: null })).status, 202);
    await eventually(
      'the migrate to find no host',
      async () => {
        const [m] = (await c.request('GET', `/os-migrations?instance_uuid=${id}&migration_type=migration`)).body.migrations;
        return m?.status === 'error' ? m : null;
      },
      60_000,
      100,
    );
    assert.equal(hostOf(await wait('ACTIVE')), 'solo');
  } finally {
    await one.stop();
  }
});
