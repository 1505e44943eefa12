// Writable host aggregates over real HTTP (fake driver): the topology seeds them, os-aggregates
// changes them with Nova's status codes and bodies, and the scheduler sees every change at its
// next decision (AvailabilityZoneFilter, AggregateInstanceExtraSpecsFilter).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest, type NovaReply } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let imageId: string;

before(async () => {
  lab = await startLab({
    novaConf:
      '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n' +
      'scheduler_default_filters = RetryFilter, AvailabilityZoneFilter, RamFilter, ComputeFilter, AggregateInstanceExtraSpecsFilter\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  imageId = await labImageId(lab, admin);
});
after(async () => {
  await lab?.stop();
});

const nova = (method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}) =>
  novaRequest(lab, opts.token ?? admin, method, p, { version: opts.version ?? '2.41', body: opts.body });

const action = (id: number, body: unknown, token = admin) => nova('POST', `/os-aggregates/${id}/action`, { body, token });
const fault = faultOf;

async function bootOn(name: string, flavorRef: string, zone?: string): Promise<{ status: string; host: string; zone: string }> {
  const r = await nova('POST', '/servers', {
    version: '2.37',
    body: { server: { name, imageRef: imageId, flavorRef, networks: 'none', ...(zone ? { availability_zone: zone } : {}) } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id = r.body.server.id as string;
  const s = await eventually(
    `server ${name} to settle`,
    async () => {
      const v = (await nova('GET', `/servers/${id}`)).body?.server;
      return v && ['ACTIVE', 'ERROR'].includes(v.status) && v['OS-EXT-STS:task_state'] === null ? v : null;
    },
    30_000,
    100,
  );
  return { status: s.status, host: s['OS-EXT-SRV-ATTR:host'], zone: s['OS-EXT-AZ:availability_zone'] };
}

test('the topology seeds the aggregates: fast-storage, and az-east as an aggregate carrying the zone', async () => {
  const r = await nova('GET', '/os-aggregates');
  assert.equal(r.status, 200);
  const byName = Object.fromEntries(r.body.aggregates.map((a: any) => [a.name, a]));
  assert.deepEqual(byName['az-east'].hosts, ['host-c', 'host-d']);
  assert.equal(byName['az-east'].availability_zone, 'az-east');
  assert.deepEqual(byName['fast-storage'].hosts, ['host-a', 'host-c']);
  assert.deepEqual(byName['fast-storage'].metadata, { ssd: 'true' });
  assert.match(byName['fast-storage'].uuid, /^[0-9a-f-]{36}$/);
  assert.equal((await nova('GET', '/os-aggregates', { version: '2.40' })).body.aggregates[0].uuid, undefined);
  const zones = (await nova('GET', '/os-availability-zone')).body.availabilityZoneInfo.map((z: any) => z.zoneName).sort();
  assert.deepEqual(zones, ['az-east', 'nova']);
});

test("create, show, update, add/remove host, set_metadata and delete answer as Nova's os-aggregates", async () => {
  const created = await nova('POST', '/os-aggregates', { body: { aggregate: { name: 'rack1', availability_zone: 'az1' } } });
  assert.equal(created.status, 200);
  assert.deepEqual(Object.keys(created.body.aggregate).sort(), [
    'availability_zone',
    'created_at',
    'deleted',
    'deleted_at',
    'id',
    'name',
    'updated_at',
    'uuid',
  ]);
  const id = created.body.aggregate.id as number;
  assert.equal(created.body.aggregate.availability_zone, 'az1');

  const refusals: [Promise<NovaReply>, number, string | RegExp][] = [
    [nova('POST', '/os-aggregates', { body: { aggregate: { name: 'rack1' } } }), 409, 'Aggregate rack1 already exists.'],
    [nova('POST', '/os-aggregates', { body: { aggregate: { name: 'x', availability_zone: 'a:b' } } }), 400, /availability_zone/],
    [nova('POST', '/os-aggregates', { body: { aggregate: { name: 'x', extra: 1 } } }), 400, /'extra' was unexpected/],
    [nova('POST', '/os-aggregates', { body: { aggregate: { name: 'x' } }, token: demo }), 403, /os-aggregates:create/],
    [nova('GET', `/os-aggregates/${created.body.aggregate.uuid}`), 400, 'Invalid input received: id must be an integer'],
    [nova('GET', '/os-aggregates/9999'), 404, 'Aggregate 9999 could not be found.'],
    [nova('PUT', `/os-aggregates/${id}`, { body: { aggregate: {} } }), 400, /not valid under any of the given schemas/],
    [action(id, { add_host: { host: 'no-such-host' } }), 404, 'Compute host no-such-host could not be found.'],
    [action(9999, { add_host: { host: 'host-b' } }), 404, 'Aggregate 9999 could not be found.'],
    [
      action(id, { add_host: { host: 'host-c' } }),
      409,
      `Cannot add host to aggregate ${id}. Reason: One or more hosts already in availability zone(s) ['az-east'].`,
    ],
    [action(id, { remove_host: { host: 'host-b' } }), 404, `Cannot remove host host-b in aggregate ${id}`],
    [action(id, { fly: {} }), 400, 'There is no such action: fly'],
    [action(id, { set_metadata: { metadata: { availability_zone: null } } }), 400, /does not support empty named availability zone/],
  ];
  for (const [p, status, message] of refusals) {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.body));
    if (typeof message === 'string') assert.equal(fault(r).message, message);
    else assert.match(fault(r).message, message);
  }

  const added = await action(id, { add_host: { host: 'host-b' } });
  assert.equal(added.status, 200);
  assert.deepEqual(added.body.aggregate.hosts, ['host-b']);
  assert.equal((await action(id, { add_host: { host: 'host-b' } })).status, 409);
  const meta = await action(id, { set_metadata: { metadata: { ssd: 'true', tier: 'gold' } } });
  assert.deepEqual(meta.body.aggregate.metadata, { availability_zone: 'az1', ssd: 'true', tier: 'gold' });
  const unset = await action(id, { set_metadata: { metadata: { tier: null } } });
  assert.deepEqual(unset.body.aggregate.metadata, { availability_zone: 'az1', ssd: 'true' });
  const renamed = await nova('PUT', `/os-aggregates/${id}`, { body: { aggregate: { name: '  rack-one ' } } });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.aggregate.name, 'rack-one');
  assert.notEqual(renamed.body.aggregate.updated_at, null);

  const notEmpty = await nova('DELETE', `/os-aggregates/${id}`);
  assert.equal(notEmpty.status, 400);
  assert.equal(fault(notEmpty).message, `Cannot remove host from aggregate ${id}. Reason: Host aggregate is not empty.`);
  assert.deepEqual((await action(id, { remove_host: { host: 'host-b' } })).body.aggregate.hosts, []);
  const gone = await nova('DELETE', `/os-aggregates/${id}`);
  assert.equal(gone.status, 200);
  assert.equal((await nova('GET', `/os-aggregates/${id}`)).status, 404);
});

test('the scheduler sees API changes at its next decision: a new zone, and aggregate metadata a flavor asks for', async () => {
  // A zone through an aggregate: host-b in az-west, listed by os-availability-zone and used by the filter.
  const west = (await nova('POST', '/os-aggregates', { body: { aggregate: { name: 'west', availability_zone: 'az-west' } } })).body
    .aggregate.id as number;
  assert.equal((await action(west, { add_host: { host: 'host-b' } })).status, 200);
  const zones = (await nova('GET', '/os-availability-zone')).body.availabilityZoneInfo.map((z: any) => z.zoneName).sort();
  assert.deepEqual(zones, ['az-east', 'az-west', 'nova']);
  const inWest = await bootOn('in-west', '1', 'az-west');
  assert.deepEqual(inWest, { status: 'ACTIVE', host: 'host-b', zone: 'az-west' });
  // host-b now holds an instance: its aggregate may not move it to another zone.
  const move = await nova('PUT', `/os-aggregates/${west}`, { body: { aggregate: { availability_zone: 'az-north' } } });
  assert.equal(move.status, 400);
  assert.equal(fault(move).message, `Cannot update aggregate ${west}. Reason: One or more hosts contain instances in this zone.`);

  // aggregate_instance_extra_specs: only hosts whose aggregates carry gpu=yes pass.
  const flavor = await nova('POST', '/flavors', { body: { flavor: { name: 'gpu.small', ram: 64, vcpus: 1, disk: 1, id: 'gpu-small' } } });
  assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
  await nova('POST', '/flavors/gpu-small/os-extra_specs', { body: { extra_specs: { 'aggregate_instance_extra_specs:gpu': 'yes' } } });
  assert.equal((await bootOn('no-gpu-yet', 'gpu-small')).status, 'ERROR');
  const fast = (await nova('GET', '/os-aggregates')).body.aggregates.find((a: any) => a.name === 'fast-storage').id as number;
  await action(fast, { set_metadata: { metadata: { gpu: 'yes' } } });
  await nova('PUT', `/os-aggregates/${fast}`, { body: { aggregate: { name: 'fast-gpu' } } });
  const placed = await bootOn('gpu-vm', 'gpu-small');
  assert.equal(placed.status, 'ACTIVE');
  assert.ok(['host-a', 'host-c'].includes(placed.host), placed.host);
});
