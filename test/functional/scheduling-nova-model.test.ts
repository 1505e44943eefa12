// The lab's scheduling model, seen through the compute API with the fake driver: Nova before
// Placement for resources (Stein: the enabled resource filters set the limits and the claim
// enforces exactly those), a multi-create that is all or nothing, forced hosts matched
// whatever their case.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, topologyFile, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient, type ServerView } from '../../harness/compute-client.js';

const labs: LabHandle[] = [];
after(async () => {
  await Promise.all(labs.map((l) => l.stop()));
});

async function lab(conf: string, hosts: { name: string; vcpus: number; memory_mb: number }[]) {
  const file = topologyFile(hosts);
  const l = await startLab({ novaConf: `[DEFAULT]\ncompute_driver = fake\n${conf}\n[novalab]\ntopology = ${file}\n` });
  labs.push(l);
  const nova = await ComputeClient.admin(l);
  const flavor = await nova.request('POST', '/flavors', { flavor: { name: 'two-gb', ram: 2048, vcpus: 1, disk: 1 } });
  assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
  return { nova, image: await nova.imageId('novalab-x86_64'), flavor: String(flavor.body.flavor.id) };
}

interface Hypervisor {
  hypervisor_hostname: string;
  memory_mb: number;
  memory_mb_used: number;
  vcpus_used: number;
  local_gb_used: number;
  running_vms: number;
}
const hypervisors = async (nova: ComputeClient): Promise<Record<string, Hypervisor>> =>
  Object.fromEntries(
    ((await nova.request('GET', '/os-hypervisors/detail')).body.hypervisors as Hypervisor[]).map((h) => [h.hypervisor_hostname, h]),
  );
const usage = (h: Hypervisor) => [h.memory_mb_used, h.vcpus_used, h.local_gb_used, h.running_vms];

async function createMany(nova: ComputeClient, name: string, image: string, flavor: string, count: number): Promise<ServerView[]> {
  const r = await nova.request('POST', '/servers', {
    server: { name, imageRef: image, flavorRef: flavor, networks: 'none', min_count: count, max_count: count, return_reservation_id: true },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const listed = (await nova.request('GET', `/servers?reservation_id=${r.body.reservation_id}`)).body.servers as { id: string }[];
  assert.equal(listed.length, count, `the reservation lists ${listed.length} servers`);
  return Promise.all(listed.map((s) => nova.settled(s.id)));
}

test('a --min 3 request that only two hosts can take fails whole with NoValidHost and leaves no usage behind', async () => {
  const { nova, image, flavor } = await lab('ram_allocation_ratio = 1.0', [
    { name: 'h1', vcpus: 4, memory_mb: 2048 },
    { name: 'h2', vcpus: 4, memory_mb: 2048 },
  ]);
  const three = await createMany(nova, 'trio', image, flavor, 3);
  assert.deepEqual(
    three.map((s) => s.status),
    ['ERROR', 'ERROR', 'ERROR'],
  );
  for (const s of three) {
    assert.match(s.fault!.message, /^No valid host was found\. There are not enough hosts available\./);
    assert.match(s.fault!.message, /all or none: instance 3 of 3 found no host, so the 2 placed before it were released/);
    assert.equal(s['OS-EXT-SRV-ATTR:host'], null);
  }
  const after3 = await hypervisors(nova);
  assert.deepEqual(usage(after3.h1!), [0, 0, 0, 0], 'h1 holds nothing');
  assert.deepEqual(usage(after3.h2!), [0, 0, 0, 0], 'h2 holds nothing');
  // The room really is free: the same request for two instances takes both hosts.
  const two = await createMany(nova, 'duo', image, flavor, 2);
  assert.deepEqual(two.map((s) => s.status).sort(), ['ACTIVE', 'ACTIVE']);
  assert.deepEqual(two.map((s) => s['OS-EXT-SRV-ATTR:host']).sort(), ['h1', 'h2']);
});

test('without RamFilter the claim does not check RAM (no limit was set), and a forced host skips the filters whatever its case', async () => {
  const filters = 'RetryFilter,AvailabilityZoneFilter,ComputeFilter,CoreFilter';
  const { nova, image, flavor } = await lab(`ram_allocation_ratio = 1.0\nscheduler_default_filters = ${filters}`, [
    { name: 'solo', vcpus: 4, memory_mb: 2048 },
  ]);
  const placed = [];
  for (let i = 0; i < 3; i++) placed.push(await nova.settled(await nova.createServer(`ram${i}`, image, flavor)));
  assert.deepEqual(
    placed.map((s) => [s.status, s['OS-EXT-SRV-ATTR:host']]),
    [
      ['ACTIVE', 'solo'],
      ['ACTIVE', 'solo'],
      ['ACTIVE', 'solo'],
    ],
  );
  assert.deepEqual(usage((await hypervisors(nova)).solo!), [6144, 3, 3, 3], 'RAM overcommitted threefold: nothing limited it');
  const forced = await nova.settled(await nova.createServer('forced', image, flavor, { availability_zone: 'nova:SOLO' }));
  assert.equal(forced.status, 'ACTIVE');
  assert.equal(forced['OS-EXT-SRV-ATTR:host'], 'solo');
});

test('with RamFilter the claim enforces its memory limit, yet a forced host is placed beyond it (Nova: no filters, no limits)', async () => {
  const { nova, image, flavor } = await lab('ram_allocation_ratio = 1.0', [{ name: 'solo', vcpus: 4, memory_mb: 2048 }]);
  assert.equal((await nova.settled(await nova.createServer('first', image, flavor))).status, 'ACTIVE');
  const second = await nova.settled(await nova.createServer('second', image, flavor));
  assert.equal(second.status, 'ERROR');
  assert.match(second.fault!.message, /RamFilter rejected every remaining host: solo: 0 MB usable RAM < 2048 MB requested/);
  const forced = await nova.settled(await nova.createServer('forced', image, flavor, { availability_zone: 'nova:Solo' }));
  assert.equal(forced.status, 'ACTIVE');
  assert.equal(forced['OS-EXT-SRV-ATTR:host'], 'solo');
  assert.equal((await hypervisors(nova)).solo!.memory_mb_used, 4096);
});
