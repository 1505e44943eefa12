// The scheduler's Nova model tried as a new user would, with the real `openstack` client
// against a lab (fake driver, so it is cheap): a `--min 3` request that only two hosts can
// take fails whole with NoValidHost and leaves no usage behind, and a flavor asking
// `capabilities:cpu_info:arch=x86_64` lands on the x86_64 host even where the weighers
// prefer another, and an aggregate given `ram_weight_multiplier=-1.0` through the CLI stacks its
// hosts while the others spread.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, cliEnv, eventually, topologyFile, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
const labs: LabHandle[] = [];
after(async () => {
  await Promise.all(labs.map((l) => l.stop()));
});

async function labWith(hosts: { name: string; memory_mb: number; architectures: string[] }[]) {
  const file = topologyFile(hosts.map((h) => ({ vcpus: 4, ...h })));
  const lab = await startLab({ novaConf: `[DEFAULT]\ncompute_driver = fake\nram_allocation_ratio = 1.0\n[novalab]\ntopology = ${file}\n` });
  labs.push(lab);
  const openstack = async (...args: string[]): Promise<string> =>
    (await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 })).stdout;
  const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> =>
    JSON.parse(await openstack(...args, '-f', 'json')) as T;
  return { openstack, json };
}

test('openstack server create --min 3 --max 3 that only two hosts can take fails whole with NoValidHost and leaves no usage', async () => {
  const { openstack, json } = await labWith([
    { name: 'small-1', memory_mb: 2048, architectures: ['x86_64'] },
    { name: 'small-2', memory_mb: 2048, architectures: ['x86_64'] },
  ]);
  await openstack('flavor', 'create', '--ram', '2048', '--vcpus', '1', '--disk', '1', 'two-gb');
  await openstack('server', 'create', '--flavor', 'two-gb', '--image', 'novalab-x86_64', '--min', '3', '--max', '3', 'trio');
  type Listed = { Name: string; Status: string };
  const servers = await eventually(
    'the three servers to leave BUILD',
    async () => {
      const listed = await json<Listed[]>('server', 'list', '--name', '^trio');
      return listed.length === 3 && listed.every((s) => s.Status !== 'BUILD') ? listed : null;
    },
    60_000,
    500,
  );
  assert.deepEqual(servers.map((s) => s.Name).sort(), ['trio-1', 'trio-2', 'trio-3']);
  assert.deepEqual(
    servers.map((s) => s.Status),
    ['ERROR', 'ERROR', 'ERROR'],
  );
  for (const name of ['trio-1', 'trio-2', 'trio-3']) {
    const shown = await json('server', 'show', name);
    assert.match(JSON.stringify(shown.fault), /No valid host was found\. There are not enough hosts available\./, name);
    assert.ok(!shown['OS-EXT-SRV-ATTR:host'], `${name} has no host`);
  }
  for (const host of ['small-1', 'small-2']) {
    const h = await json('hypervisor', 'show', host);
    assert.deepEqual(
      [h.memory_mb_used, h.vcpus_used, h.local_gb_used, h.running_vms],
      [0, 0, 0, 0],
      `${host} holds nothing: ${JSON.stringify(h)}`,
    );
  }
  const stats = await json('hypervisor', 'stats', 'show');
  assert.deepEqual([stats.count, stats.memory_mb_used, stats.running_vms], [2, 0, 0], `stats: ${JSON.stringify(stats)}`);
  // And the two hosts really are free: a two-instance request takes them both.
  await openstack('server', 'create', '--flavor', 'two-gb', '--image', 'novalab-x86_64', '--min', '2', '--max', '2', 'duo');
  const duo = await eventually(
    'the two servers to be ACTIVE',
    async () => {
      const listed = await json<Listed[]>('server', 'list', '--name', '^duo', '--long');
      return listed.length === 2 && listed.every((s) => s.Status === 'ACTIVE') ? listed : null;
    },
    60_000,
    500,
  );
  assert.equal(duo.length, 2);
});

test('a flavor with --property capabilities:cpu_info:arch=x86_64 lands on the x86_64 host, though the weighers prefer the other', async () => {
  const { openstack, json } = await labWith([
    { name: 'x86-host', memory_mb: 4096, architectures: ['x86_64'] },
    // An aarch64 machine that also runs x86_64 guests (TCG), with four times the free RAM.
    { name: 'arm-host', memory_mb: 16384, architectures: ['aarch64', 'x86_64'] },
  ]);
  const cpuArch = async (host: string) => {
    const info = (await json('hypervisor', 'show', host)).cpu_info;
    return (typeof info === 'string' ? JSON.parse(info) : info).arch as string;
  };
  assert.equal(await cpuArch('x86-host'), 'x86_64');
  assert.equal(await cpuArch('arm-host'), 'aarch64');
  await openstack('flavor', 'create', '--ram', '512', '--vcpus', '1', '--disk', '1', 'plain');
  await openstack(
    'flavor',
    'create',
    '--ram',
    '512',
    '--vcpus',
    '1',
    '--disk',
    '1',
    '--property',
    'capabilities:cpu_info:arch=x86_64',
    'x86-only',
  );
  const plain = await json('server', 'create', '--flavor', 'plain', '--image', 'novalab-x86_64', '--wait', 'vm-plain');
  assert.equal(plain.status, 'ACTIVE');
  assert.equal(plain['OS-EXT-SRV-ATTR:host'], 'arm-host', 'without the extra spec, RAMWeigher picks the roomier host');
  const pinned = await json('server', 'create', '--flavor', 'x86-only', '--image', 'novalab-x86_64', '--wait', 'vm-x86');
  assert.equal(pinned.status, 'ACTIVE');
  assert.equal(pinned['OS-EXT-SRV-ATTR:host'], 'x86-host');
});

test("openstack aggregate set --property ram_weight_multiplier=-1.0 stacks that aggregate's hosts while the other hosts spread", async () => {
  const hosts = ['stack-1', 'stack-2', 'spread-1', 'spread-2'].map((name) => ({ name, memory_mb: 8192, architectures: ['x86_64'] }));
  const { openstack, json } = await labWith(hosts);
  await openstack('aggregate', 'create', '--zone', 'az-stack', 'stackers');
  for (const h of ['stack-1', 'stack-2']) await openstack('aggregate', 'add', 'host', 'stackers', h);
  await openstack('aggregate', 'set', '--property', 'ram_weight_multiplier=-1.0', 'stackers');
  const placedOn = async (name: string, zone: string) => {
    await openstack('server', 'create', '--flavor', 'm1.small', '--image', 'novalab-x86_64', '--availability-zone', zone, '--wait', name);
    return String((await json('server', 'show', name))['OS-EXT-SRV-ATTR:host']);
  };
  const stacked: string[] = [];
  for (let i = 0; i < 3; i++) stacked.push(await placedOn(`stack${i}`, 'az-stack'));
  assert.equal(new Set(stacked).size, 1, `the aggregate's hosts stack: ${stacked.join(', ')}`);
  const spread: string[] = [];
  for (let i = 0; i < 4; i++) spread.push(await placedOn(`spread${i}`, 'nova'));
  assert.deepEqual([...spread].sort(), ['spread-1', 'spread-1', 'spread-2', 'spread-2'], `the others spread: ${spread.join(', ')}`);
});
