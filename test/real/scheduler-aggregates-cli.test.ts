// As a learner would, with the real openstack CLI against a lab (fake driver) whose topology
// seeds an aggregate carrying ram_weight_multiplier = -1.0 and availability_zone = az-stack:
// the zone list shows the aggregate's hosts in its zone, servers created there stack on one
// host while servers in the default zone spread, the different_host hint moves a server off
// a host, and the hypervisor reports disk_available_least.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, cliEnv, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;

async function openstack(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await openstack(...args, '-f', 'json')) as T;
const create = async (name: string, zone: string, ...more: string[]): Promise<string> => {
  const s = await json<Record<string, string>>(
    'server',
    'create',
    '--flavor',
    'm1.small',
    '--image',
    'novalab-x86_64',
    '--availability-zone',
    zone,
    ...more,
    '--wait',
    name,
  );
  assert.equal(s.status, 'ACTIVE');
  return s['OS-EXT-SRV-ATTR:host']!;
};

before(async () => {
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
    aggregates,
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-topo-')), 'topology.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      hosts: [host('stack-1', [stackers], 'az-stack'), host('spread-1', []), host('stack-2', [stackers], 'az-stack'), host('spread-2', [])],
    }),
  );
  lab = await startLab({
    novaConf:
      '[DEFAULT]\ncompute_driver = fake\n' +
      'scheduler_default_filters = AvailabilityZoneFilter,RamFilter,ComputeFilter,DifferentHostFilter\n' +
      `[novalab]\ntopology = ${file}\n`,
  });
});

after(async () => {
  await lab?.stop();
});

test('availability zone list --long: the aggregate puts its hosts in az-stack', async () => {
  const rows = await json<{ 'Zone Name': string; 'Host Name': string; 'Service Name': string }[]>(
    'availability',
    'zone',
    'list',
    '--compute',
    '--long',
  );
  const hostsIn = (zone: string) =>
    rows
      .filter((r) => r['Zone Name'] === zone && r['Service Name'] === 'nova-compute')
      .map((r) => r['Host Name'])
      .sort();
  assert.deepEqual(hostsIn('az-stack'), ['stack-1', 'stack-2']);
  assert.deepEqual(hostsIn('nova'), ['spread-1', 'spread-2']);
});

test('servers in az-stack stack on one host, servers in nova spread; different_host moves one off', async () => {
  const stacked = [await create('st0', 'az-stack'), await create('st1', 'az-stack'), await create('st2', 'az-stack')];
  assert.equal(new Set(stacked).size, 1, `stacked on ${stacked.join(', ')}`);
  const spread = [await create('sp0', 'nova'), await create('sp1', 'nova')];
  assert.deepEqual([...spread].sort(), ['spread-1', 'spread-2']);
  const id = (await openstack('server', 'show', 'st0', '-f', 'value', '-c', 'id')).trim();
  const away = await create('away', 'az-stack', '--hint', `different_host=${id}`);
  assert.notEqual(away, stacked[0]);
  assert.match(away, /^stack-[12]$/);
});

test('hypervisor show reports disk_available_least as the fake driver counts it', async () => {
  const hv = await json<Record<string, unknown>>('hypervisor', 'show', 'spread-1');
  const flavor = await json<{ disk: number; 'OS-FLV-EXT-DATA:ephemeral': number }>('flavor', 'show', 'm1.small');
  const oneSmall = 100 - flavor.disk - flavor['OS-FLV-EXT-DATA:ephemeral'];
  // 100 GB less the m1.small on it, once the host has reported in since (every report_interval).
  assert.ok([oneSmall, 100].includes(Number(hv.disk_available_least)), `disk_available_least ${String(hv.disk_available_least)}`);
});
