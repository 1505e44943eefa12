// How the scheduler decides, seen through the real compute API with the fake driver: the
// course's CoreFilter question, ImagePropertiesFilter, spreading vs stacking, and claims that
// hold under 50 concurrent creates.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startLab, topologyFile, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';

const labs: LabHandle[] = [];
after(async () => {
  await Promise.all(labs.map((l) => l.stop()));
});

async function lab(conf: string, hosts: object[]): Promise<{ lab: LabHandle; nova: ComputeClient; image: string }> {
  const l = await startLab({ novaConf: `[DEFAULT]\ncompute_driver = fake\n${conf}\n[novalab]\ntopology = ${topologyFile(hosts)}\n` });
  labs.push(l);
  const nova = await ComputeClient.admin(l);
  return { lab: l, nova, image: await nova.imageId('novalab-x86_64') };
}

test('a 4-vCPU host at cpu_allocation_ratio 2 takes 8 vCPUs of instances and refuses the 9th, naming CoreFilter', async () => {
  const { nova, image } = await lab('cpu_allocation_ratio = 2.0', [{ name: 'quad', vcpus: 4, memory_mb: 65536 }]);
  const ids = [];
  for (let i = 0; i < 8; i++) ids.push(await nova.createServer(`vm${i}`, image, '1'));
  for (const id of ids) assert.equal((await nova.settled(id)).status, 'ACTIVE');
  const ninth = await nova.settled(await nova.createServer('vm8', image, '1'));
  assert.equal(ninth.status, 'ERROR');
  assert.match(ninth.fault!.message, /No valid host was found/);
  assert.match(ninth.fault!.message, /CoreFilter/);
  assert.match(ninth.fault!.message, /quad: 4 vCPUs × ratio 2(\.0)? = 8 usable, 8 used, 1 requested/);
});

test('an aarch64 image never lands on a host without aarch64, and the fault names ImagePropertiesFilter when none fits', async () => {
  const { nova } = await lab('', [
    { name: 'x86-only', vcpus: 8, memory_mb: 8192 },
    { name: 'arm-host', vcpus: 8, memory_mb: 8192, architectures: ['aarch64'] },
  ]);
  const arm = await nova.imageId('novalab-aarch64');
  for (let i = 0; i < 3; i++) {
    const s = await nova.settled(await nova.createServer(`arm${i}`, arm, '1'));
    assert.equal(s.status, 'ACTIVE');
    assert.equal(s['OS-EXT-SRV-ATTR:host'], 'arm-host');
  }
  const kvmImage = await nova.createImage('needs-kvm', { architecture: 'x86_64', hypervisor_type: 'kvm' }, 'novalab-x86_64');
  const kvm = await nova.settled(await nova.createServer('kvm1', kvmImage, '1'));
  assert.equal(kvm.status, 'ERROR', 'no host here has proven KVM');
  assert.match(kvm.fault!.message, /ImagePropertiesFilter/);
});

test('ram_weight_multiplier -1.0 stacks instances on one host; 1.0 spreads them', async () => {
  const hosts = [
    { name: 'h1', vcpus: 16, memory_mb: 8192 },
    { name: 'h2', vcpus: 16, memory_mb: 8192 },
    { name: 'h3', vcpus: 16, memory_mb: 8192 },
  ];
  const placements = async (multiplier: string) => {
    const { nova, image } = await lab(`ram_weight_multiplier = ${multiplier}`, hosts);
    const out: string[] = [];
    for (let i = 0; i < 4; i++)
      out.push(String((await nova.settled(await nova.createServer(`w${i}`, image, '2')))['OS-EXT-SRV-ATTR:host']));
    return out;
  };
  const stacked = await placements('-1.0');
  assert.equal(new Set(stacked).size, 1, `stacking put them on ${stacked.join(', ')}`);
  const spread = await placements('1.0');
  assert.equal(new Set(spread).size, 3, `spreading put them on ${spread.join(', ')}`);
});

test('50 concurrent creates never over-commit a host beyond its allocation ratios', async () => {
  const { nova, image } = await lab('cpu_allocation_ratio = 1.0\nram_allocation_ratio = 1.0', [
    { name: 'c1', vcpus: 8, memory_mb: 65536 },
    { name: 'c2', vcpus: 4, memory_mb: 65536 },
    { name: 'c3', vcpus: 4, memory_mb: 65536 },
  ]);
  const quota = await nova.request('PUT', `/os-quota-sets/${await nova.projectId()}`, { quota_set: { instances: 100, cores: 100 } });
  assert.equal(quota.status, 200, JSON.stringify(quota.body));
  const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => nova.createServer(`burst${i}`, image, '1')));
  const created = ids;
  const final = await Promise.all(created.map((id) => nova.settled(id, 120_000)));
  const perHost = new Map<string, number>();
  for (const s of final)
    if (s.status === 'ACTIVE') perHost.set(String(s['OS-EXT-SRV-ATTR:host']), (perHost.get(String(s['OS-EXT-SRV-ATTR:host'])) ?? 0) + 1);
  assert.ok((perHost.get('c1') ?? 0) <= 8 && (perHost.get('c2') ?? 0) <= 4 && (perHost.get('c3') ?? 0) <= 4, JSON.stringify([...perHost]));
  const active = final.filter((s) => s.status === 'ACTIVE').length;
  assert.equal(active, 16, 'every vCPU is used exactly once');
  assert.ok(final.filter((s) => s.status === 'ERROR').every((s) => /No valid host was found/.test(s.fault!.message)));
});

test('an admin sets a flavor description from 2.55, and a deleted quota override gives the defaults back', async () => {
  const { lab: l } = await lab('', [{ name: 'solo', vcpus: 4, memory_mb: 4096 }]);
  const nova = await ComputeClient.admin(l, '2.55');
  const put = await nova.request('PUT', '/flavors/1', { flavor: { description: 'the smallest' } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal((await nova.request('GET', '/flavors/1')).body.flavor.description, 'the smallest');
  assert.equal((await nova.request('PUT', '/flavors/1', { flavor: { ram: 1 } })).status, 400);
  const project = await nova.projectId();
  const defaults = (await nova.request('GET', `/os-quota-sets/${project}/defaults`)).body.quota_set;
  await nova.request('PUT', `/os-quota-sets/${project}`, { quota_set: { instances: defaults.instances + 7 } });
  assert.equal((await nova.request('GET', `/os-quota-sets/${project}`)).body.quota_set.instances, defaults.instances + 7);
  assert.equal((await nova.request('DELETE', `/os-quota-sets/${project}`)).status, 202);
  assert.equal((await nova.request('GET', `/os-quota-sets/${project}`)).body.quota_set.instances, defaults.instances);
});

/** A server created with the scheduler hint `group` (a top-level key of the request, beside `server`). */
async function createInGroup(nova: ComputeClient, name: string, image: string, group: string): Promise<string> {
  const r = await nova.request('POST', '/servers', {
    server: { name, imageRef: image, flavorRef: '1', networks: 'none' },
    'os:scheduler_hints': { group },
  });
  if (r.status !== 202) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.server.id;
}

test('server groups: anti-affinity spreads a multi-create even when the weighers stack, and the member too many is refused by ServerGroupAntiAffinityFilter', async () => {
  const hosts = [
    { name: 'h1', vcpus: 16, memory_mb: 8192 },
    { name: 'h2', vcpus: 16, memory_mb: 8192 },
    { name: 'h3', vcpus: 16, memory_mb: 8192 },
  ];
  const filters =
    'RetryFilter,AvailabilityZoneFilter,RamFilter,ComputeFilter,CoreFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter';
  const { nova, image } = await lab(`ram_weight_multiplier = -1.0\nscheduler_default_filters = ${filters}`, hosts);
  const v237 = await ComputeClient.admin(labs[labs.length - 1]!, '2.37'); // the openrc's version: `policies`, a list
  const created = await v237.request('POST', '/os-server-groups', { server_group: { name: 'spread', policies: ['anti-affinity'] } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const g = created.body.server_group;
  assert.deepEqual(Object.keys(g), ['id', 'name', 'policies', 'metadata', 'members', 'project_id', 'user_id'], 'the 2.13-2.63 shape');
  assert.deepEqual(g.policies, ['anti-affinity']);

  const r = await nova.request('POST', '/servers', {
    server: { name: 'spread', imageRef: image, flavorRef: '1', networks: 'none', min_count: 3, max_count: 3 },
    'os:scheduler_hints': { group: g.id },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const group = (await nova.request('GET', `/os-server-groups/${g.id}`)).body.server_group;
  assert.equal(group.members.length, 3);
  const placed = await Promise.all(group.members.map((id: string) => nova.settled(id)));
  assert.deepEqual(
    placed.map((s) => s.status),
    ['ACTIVE', 'ACTIVE', 'ACTIVE'],
  );
  assert.equal(
    new Set(placed.map((s) => s['OS-EXT-SRV-ATTR:host'])).size,
    3,
    `placed on ${placed.map((s) => s['OS-EXT-SRV-ATTR:host']).join(', ')}`,
  );

  const fourth = await nova.settled(await createInGroup(nova, 'spread-4', image, g.id));
  assert.equal(fourth.status, 'ERROR');
  assert.match(fourth.fault!.message, /ServerGroupAntiAffinityFilter/);
  assert.equal((await nova.server(placed[0]!.id)).server_groups?.toString(), g.id, 'GET /servers/{id} from 2.71 names the group');

  assert.equal((await nova.request('DELETE', `/servers/${fourth.id}`)).status, 204);
  await eventually(
    'the deleted server to leave its group',
    async () => (await nova.request('GET', `/os-server-groups/${g.id}`)).body.server_group.members.length === 3 || undefined,
  );

  const missing = await nova.request('POST', '/servers', {
    server: { name: 'x', imageRef: image, flavorRef: '1', networks: 'none' },
    'os:scheduler_hints': { group: '7b1f4bde-8e3c-4a55-9f6a-2c1d0e9b8a77' },
  });
  assert.equal(missing.status, 400);
  assert.match(missing.body.badRequest.message, /Instance group 7b1f4bde-8e3c-4a55-9f6a-2c1d0e9b8a77 could not be found/);
});

test('server groups from 2.64: policy and rules; affinity keeps members on one host; soft-affinity gathers them by weight; a rule on affinity is refused', async () => {
  const hosts = [
    { name: 'h1', vcpus: 16, memory_mb: 8192 },
    { name: 'h2', vcpus: 16, memory_mb: 8192 },
  ];
  const { nova, image } = await lab(
    'ram_weight_multiplier = 1.0\nscheduler_weight_classes = RAMWeigher,ServerGroupSoftAffinityWeigher\nsoft_affinity_weight_multiplier = 10.0',
    hosts,
  );
  const v264 = await ComputeClient.admin(labs[labs.length - 1]!, '2.64');
  const together = (await v264.request('POST', '/os-server-groups', { server_group: { name: 'together', policy: 'affinity' } })).body
    .server_group;
  assert.deepEqual(Object.keys(together), ['id', 'name', 'policy', 'rules', 'members', 'project_id', 'user_id']);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await createInGroup(nova, `t${i}`, image, together.id));
  const hostsUsed = new Set((await Promise.all(ids.map((id) => nova.settled(id)))).map((s) => s['OS-EXT-SRV-ATTR:host']));
  assert.equal(
    hostsUsed.size,
    1,
    "the spreading weigher did not split the affinity group (the claims hold it, even with the course's default filters)",
  );

  const ruled = await v264.request('POST', '/os-server-groups', {
    server_group: { name: 'r', policy: 'affinity', rules: { max_server_per_host: 2 } },
  });
  assert.equal(ruled.status, 400);
  assert.equal(ruled.body.badRequest.message, 'Only anti-affinity policy supports rules.');
  const soft = (await v264.request('POST', '/os-server-groups', { server_group: { name: 'soft', policy: 'soft-affinity' } })).body
    .server_group;
  const softIds = [];
  for (let i = 0; i < 3; i++) softIds.push(await createInGroup(nova, `s${i}`, image, soft.id));
  const softHosts = new Set((await Promise.all(softIds.map((id) => nova.settled(id)))).map((s) => s['OS-EXT-SRV-ATTR:host']));
  assert.equal(softHosts.size, 1, 'ServerGroupSoftAffinityWeigher (x10) outweighed the spreading RAMWeigher');
  const two = await v264.request('POST', '/os-server-groups', {
    server_group: { name: 'two', policy: 'anti-affinity', rules: { max_server_per_host: 2 } },
  });
  assert.deepEqual(two.body.server_group.rules, { max_server_per_host: 2 });
  const listed = (await v264.request('GET', '/os-server-groups')).body.server_groups.map((x: { name: string }) => x.name).sort();
  assert.deepEqual(listed, ['soft', 'together', 'two']);
  assert.equal((await v264.request('DELETE', `/os-server-groups/${two.body.server_group.id}`)).status, 204);
  assert.equal((await v264.request('GET', `/os-server-groups/${two.body.server_group.id}`)).status, 404);
});
