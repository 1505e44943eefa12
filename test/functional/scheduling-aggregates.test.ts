// Aggregate metadata seen through the real compute API with the fake driver: an aggregate
// with ram_weight_multiplier = -1.0 stacks its hosts while the other hosts spread, an
// aggregate's availability_zone puts its hosts in that zone (for the scheduler and the API's
// zone list), and the same_host / different_host hints reach the scheduler.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab, type LabHandle } from '../../harness/lab-process.js';
import { ComputeClient } from '../../harness/compute-client.js';

const labs: LabHandle[] = [];
after(async () => {
  await Promise.all(labs.map((l) => l.stop()));
});

const stackers = { name: 'stackers', metadata: { ram_weight_multiplier: '-1.0', availability_zone: 'az-stack' } };
// A host's zone in the topology is its aggregates' zone (the topology is refused otherwise).
const host = (name: string, aggregates: object[], availability_zone = 'nova') => ({
  name,
  vcpus: 16,
  memory_mb: 8192,
  disk_gb: 100,
  availability_zone,
  architectures: ['x86_64'],
  hypervisor_types: ['qemu'],
  capabilities: {},
  aggregates,
  metrics: {},
});

async function lab(): Promise<{ nova: ComputeClient; image: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-topo-')), 'topology.json');
  const hosts = [
    host('stack-1', [stackers], 'az-stack'),
    host('spread-1', []),
    host('stack-2', [stackers], 'az-stack'),
    host('spread-2', []),
  ];
  fs.writeFileSync(file, JSON.stringify({ hosts }));
  const l = await startLab({
    novaConf:
      '[DEFAULT]\ncompute_driver = fake\n' +
      'scheduler_default_filters = AvailabilityZoneFilter,RamFilter,ComputeFilter,SameHostFilter,DifferentHostFilter\n' +
      `[novalab]\ntopology = ${file}\n`,
  });
  labs.push(l);
  const nova = await ComputeClient.admin(l);
  return { nova, image: await nova.imageId('novalab-x86_64') };
}

const hostOf = async (nova: ComputeClient, id: string): Promise<string> => {
  const s = await nova.settled(id);
  assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
  return String(s['OS-EXT-SRV-ATTR:host']);
};

const withHints = async (nova: ComputeClient, name: string, image: string, zone: string, hints: Record<string, unknown>) => {
  const r = await nova.request('POST', '/servers', {
    server: { name, imageRef: image, flavorRef: '2', networks: 'none', availability_zone: zone },
    'os:scheduler_hints': hints,
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.server.id as string;
};

test('an aggregate with ram_weight_multiplier -1.0 stacks its hosts while the other hosts spread; its zone holds its hosts', async () => {
  const { nova, image } = await lab();

  const zones = (await nova.request('GET', '/os-availability-zone/detail')).body.availabilityZoneInfo as {
    zoneName: string;
    hosts: Record<string, unknown> | null;
  }[];
  const zone = (name: string) => Object.keys(zones.find((z) => z.zoneName === name)?.hosts ?? {}).sort();
  assert.deepEqual(zone('az-stack'), ['stack-1', 'stack-2']);
  assert.deepEqual(zone('nova'), ['spread-1', 'spread-2']);

  // Four m1.small (2048 MB) in the stacking aggregate's zone: all on one of its hosts.
  const stacked: string[] = [];
  for (let i = 0; i < 4; i++) {
    stacked.push(await hostOf(nova, await nova.createServer(`stack${i}`, image, '2', { availability_zone: 'az-stack' })));
  }
  assert.equal(new Set(stacked).size, 1, `stacked on ${stacked.join(', ')}`);
  assert.match(stacked[0]!, /^stack-[12]$/);

  // Four in the default zone, whose hosts keep nova.conf's +1.0: they alternate.
  const spread: string[] = [];
  for (let i = 0; i < 4; i++) {
    spread.push(await hostOf(nova, await nova.createServer(`spread${i}`, image, '2', { availability_zone: 'nova' })));
  }
  assert.deepEqual([...spread].sort(), ['spread-1', 'spread-1', 'spread-2', 'spread-2'], `spread onto ${spread.join(', ')}`);

  // The hints name instances: different_host leaves the stacked host, same_host joins it.
  const firstStacked = (await nova.request('GET', '/servers?name=stack0')).body.servers[0].id as string;
  const away = await hostOf(nova, await withHints(nova, 'away', image, 'az-stack', { different_host: [firstStacked] }));
  assert.equal(away, stacked[0] === 'stack-1' ? 'stack-2' : 'stack-1');
  const spreadOne = (await nova.request('GET', '/servers?name=spread0')).body.servers[0].id as string;
  const near = await hostOf(nova, await withHints(nova, 'near', image, 'nova', { same_host: spreadOne }));
  assert.equal(near, spread[0]);
});
