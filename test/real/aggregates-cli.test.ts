// Host aggregates with the real openstack CLI, as a new user would try them (fake driver, so it
// is cheap): create, list, show, set, unset, add and remove host, delete; then what they change
// in scheduling: a zone made by an aggregate takes `server create --availability-zone`, and
// aggregate metadata decides where a flavor with aggregate_instance_extra_specs lands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliEnv, eventually, startLab, type LabHandle } from '../../harness/lab-process.js';

const run = promisify(execFile);
let lab: LabHandle;

before(async () => {
  lab = await startLab({
    novaConf:
      '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n' +
      'scheduler_default_filters = RetryFilter, AvailabilityZoneFilter, RamFilter, ComputeFilter, ImagePropertiesFilter, ' +
      'AggregateInstanceExtraSpecsFilter\n',
  });
});
after(async () => {
  await lab?.stop();
});

async function openstack(...args: string[]): Promise<string> {
  try {
    return (await run('openstack', args, { env: cliEnv(lab), timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')}: ${e.stderr || e.message}`, { cause: err });
  }
}
const json = async (...args: string[]) => JSON.parse(await openstack(...args, '-f', 'json'));
async function refused(...args: string[]): Promise<string> {
  try {
    await run('openstack', args, { env: cliEnv(lab), timeout: 120_000 });
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`openstack ${args.join(' ')} succeeded`);
}

test('aggregate create/list/show/set/unset/add host/remove host/delete work as on a real cloud', async () => {
  const made = await json('aggregate', 'create', '--zone', 'az0', 'agg1');
  assert.equal(made.name, 'agg1');
  assert.equal(made.availability_zone, 'az0');
  await openstack('aggregate', 'set', '--name', 'zone-one', '--zone', 'az1', '--property', 'tier=gold', 'agg1');
  const added = await json('aggregate', 'add', 'host', 'zone-one', 'host-b');
  assert.deepEqual(added.hosts, ['host-b']);
  const shown = await json('aggregate', 'show', 'zone-one');
  assert.equal(shown.availability_zone, 'az1');
  assert.deepEqual(shown.hosts, ['host-b']);
  assert.deepEqual(shown.properties, { tier: 'gold' }); // OSC hides the zone key, as with Nova
  const long = await json('aggregate', 'list', '--long');
  const row = long.find((a: { Name: string }) => a.Name === 'zone-one');
  assert.equal(row['Availability Zone'], 'az1');
  assert.deepEqual(row.Hosts, ['host-b']);
  assert.deepEqual(
    long.map((a: { Name: string }) => a.Name),
    ['az-east', 'fast-storage', 'zone-one'],
  );

  await openstack('aggregate', 'unset', '--property', 'tier', 'zone-one');
  assert.deepEqual((await json('aggregate', 'show', 'zone-one')).properties, {});
  // A host is in one zone: host-c is in az-east already (Nova's 409 and message).
  assert.match(
    await refused('aggregate', 'add', 'host', 'zone-one', 'host-c'),
    /409.*Cannot add host to aggregate \d+\. Reason: One or more hosts already in availability zone\(s\) \['az-east'\]\./,
  );
  assert.match(
    await refused('aggregate', 'delete', 'zone-one'),
    /400.*Cannot remove host from aggregate \d+\. Reason: Host aggregate is not empty\./,
  );
  const removed = await json('aggregate', 'remove', 'host', 'zone-one', 'host-b');
  assert.deepEqual(removed.hosts, []);
  await openstack('aggregate', 'delete', 'zone-one');
  assert.ok(!(await json('aggregate', 'list')).some((a: { Name: string }) => a.Name === 'zone-one'));
});

test('a zone made with aggregate create --zone is listed and takes server create --availability-zone', async () => {
  await openstack('aggregate', 'create', '--zone', 'az1', 'rack-az1');
  await openstack('aggregate', 'add', 'host', 'rack-az1', 'host-a');
  const zones = (await json('availability', 'zone', 'list', '--compute')).map((z: { 'Zone Name': string }) => z['Zone Name']).sort();
  assert.deepEqual(zones, ['az-east', 'az1', 'internal', 'nova']);
  const vm = await json(
    'server',
    'create',
    '--flavor',
    'm1.tiny',
    '--image',
    'novalab-x86_64',
    '--availability-zone',
    'az1',
    '--wait',
    'in-az1',
  );
  assert.equal(vm.status, 'ACTIVE');
  assert.equal(vm['OS-EXT-SRV-ATTR:host'], 'host-a');
  assert.equal(vm['OS-EXT-AZ:availability_zone'], 'az1');
  assert.equal((await json('hypervisor', 'show', 'host-a')).aggregates.includes('rack-az1'), true);
});

test('aggregate set --property ssd=true on one host aggregate sends the flavor asking for it there', async () => {
  // The seeded fast-storage aggregate says ssd=true for host-a and host-c: take it away first.
  await openstack('aggregate', 'unset', '--property', 'ssd', 'fast-storage');
  await openstack(
    'flavor',
    'create',
    '--ram',
    '64',
    '--vcpus',
    '1',
    '--disk',
    '1',
    '--property',
    'aggregate_instance_extra_specs:ssd=true',
    'ssd.tiny',
  );
  await openstack('server', 'create', '--flavor', 'ssd.tiny', '--image', 'novalab-x86_64', 'ssd-too-early');
  const early = await eventually(
    'ssd-too-early to settle',
    async () => {
      const s = await json('server', 'show', 'ssd-too-early');
      return s.status === 'BUILD' ? null : s;
    },
    60_000,
    500,
  );
  assert.equal(early.status, 'ERROR');
  assert.match(JSON.stringify(early.fault), /No valid host was found/);

  await openstack('aggregate', 'create', 'ssd-rack');
  await openstack('aggregate', 'add', 'host', 'ssd-rack', 'host-c');
  await openstack('aggregate', 'set', '--property', 'ssd=true', 'ssd-rack');
  for (const name of ['ssd-1', 'ssd-2']) {
    const vm = await json('server', 'create', '--flavor', 'ssd.tiny', '--image', 'novalab-x86_64', '--wait', name);
    assert.equal(vm.status, 'ACTIVE');
    assert.equal(vm['OS-EXT-SRV-ATTR:host'], 'host-c');
  }
});
