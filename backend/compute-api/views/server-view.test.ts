import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseVersion } from '../microversion.js';
import { instanceFixture } from '../../shared/testing/model-fixtures.js';
import { serverBasic, serverDetail } from './server-view.js';

const base = 'http://127.0.0.1:8774';
const v = (s: string) => parseVersion(s)!;
const keys = (o: object) => Object.keys(o).sort();

const COMMON = [
  'OS-DCF:diskConfig',
  'OS-EXT-AZ:availability_zone',
  'OS-EXT-STS:power_state',
  'OS-EXT-STS:task_state',
  'OS-EXT-STS:vm_state',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'accessIPv4',
  'accessIPv6',
  'addresses',
  'config_drive',
  'created',
  'flavor',
  'hostId',
  'id',
  'image',
  'key_name',
  'links',
  'metadata',
  'name',
  'os-extended-volumes:volumes_attached',
  'progress',
  'security_groups',
  'status',
  'tenant_id',
  'updated',
  'user_id',
];
const ADMIN_21 = ['OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'OS-EXT-SRV-ATTR:instance_name'];
const ADMIN_23 = [
  'OS-EXT-SRV-ATTR:hostname',
  'OS-EXT-SRV-ATTR:kernel_id',
  'OS-EXT-SRV-ATTR:launch_index',
  'OS-EXT-SRV-ATTR:ramdisk_id',
  'OS-EXT-SRV-ATTR:reservation_id',
  'OS-EXT-SRV-ATTR:root_device_name',
  'OS-EXT-SRV-ATTR:user_data',
];
const FROM_29 = ['locked'];
const FROM_219 = ['description'];
const FROM_226 = ['tags'];
const FROM_263 = ['trusted_image_certificates'];
const FROM_273 = ['locked_reason'];

test('a member at 2.1 sees exactly the 2.1 fields', () => {
  const s = serverDetail(instanceFixture(), { base, version: v('2.1'), isAdmin: false });
  assert.deepEqual(keys(s), [...COMMON].sort());
  assert.deepEqual(s.flavor, { id: '1', links: [{ rel: 'bookmark', href: `${base}/flavors/1` }] });
});

test('an admin at 2.1 also sees host, hypervisor and instance name, but not the 2.3 attributes', () => {
  const s = serverDetail(instanceFixture(), { base, version: v('2.1'), isAdmin: true });
  assert.deepEqual(keys(s), [...COMMON, ...ADMIN_21].sort());
  assert.equal(s['OS-EXT-SRV-ATTR:instance_name'], 'instance-0000000a');
});

test('an admin at 2.47 sees the embedded flavor, host_status and the 2.3–2.26 fields', () => {
  const s = serverDetail(instanceFixture(), { base, version: v('2.47'), isAdmin: true, hostStatus: () => 'UP' });
  assert.deepEqual(keys(s), [...COMMON, ...ADMIN_21, ...ADMIN_23, 'host_status', ...FROM_29, ...FROM_219, ...FROM_226].sort());
  assert.deepEqual(s.flavor, { vcpus: 1, ram: 256, disk: 1, ephemeral: 0, swap: 0, original_name: 'm1.tiny', extra_specs: {} });
  assert.equal(s.host_status, 'UP');
});

test('a member at 2.75 sees no admin attributes but locked_reason and trusted certificates', () => {
  const s = serverDetail(instanceFixture(), { base, version: v('2.75'), isAdmin: false });
  assert.deepEqual(keys(s), [...COMMON, ...FROM_29, ...FROM_219, ...FROM_226, ...FROM_263, ...FROM_273].sort());
});

test('at 2.96 a member sees the hostname (2.90) and pinned_availability_zone; show adds server_groups (2.71)', () => {
  const inst = instanceFixture({ requested_az: 'nova' });
  const list = serverDetail(inst, { base, version: v('2.96'), isAdmin: false });
  const want = [
    ...COMMON,
    ...FROM_29,
    ...FROM_219,
    ...FROM_226,
    ...FROM_263,
    ...FROM_273,
    'OS-EXT-SRV-ATTR:hostname',
    'pinned_availability_zone',
  ];
  assert.deepEqual(keys(list), want.sort());
  assert.equal(list.pinned_availability_zone, 'nova');
  const show = serverDetail(inst, { base, version: v('2.96'), isAdmin: false, single: true });
  assert.deepEqual(keys(show), [...want, 'server_groups'].sort());
  const admin = serverDetail(inst, { base, version: v('2.96'), isAdmin: true, hostStatus: () => 'UP', single: true });
  assert.deepEqual(
    keys(admin),
    [
      ...COMMON,
      ...ADMIN_21,
      ...ADMIN_23,
      'host_status',
      ...FROM_29,
      ...FROM_219,
      ...FROM_226,
      ...FROM_263,
      ...FROM_273,
      'pinned_availability_zone',
      'server_groups',
    ].sort(),
  );
});

test('fault appears only in ERROR, details only for admins of a 500', () => {
  const fault = { code: 500, message: 'No valid host was found. ', details: 'RamFilter', created: '2026-11-23T19:05:40.000Z' };
  assert.equal('fault' in serverDetail(instanceFixture({ fault }), { base, version: v('2.1'), isAdmin: true }), false);
  const err = instanceFixture({ vm_state: 'error', host: null, fault });
  const member = serverDetail(err, { base, version: v('2.1'), isAdmin: false });
  assert.deepEqual(member.fault, { code: 500, created: '2026-11-23T19:05:40Z', message: 'No valid host was found. ' });
  assert.equal('progress' in member, false);
  assert.equal(member.hostId, '');
  const admin = serverDetail(err, { base, version: v('2.1'), isAdmin: true });
  assert.equal((admin.fault as { details: string }).details, 'RamFilter');
});

test("hostId is sha224(project_id + host); times use Nova's formats; addresses hide while building", () => {
  const s = serverDetail(instanceFixture(), { base, version: v('2.1'), isAdmin: false });
  assert.equal(s.hostId, createHash('sha224').update('p1host-a').digest('hex'));
  assert.equal(s.created, '2026-11-23T19:05:36Z');
  assert.equal(s['OS-SRV-USG:launched_at'], '2026-11-23T19:05:40.407000');
  assert.deepEqual(s.addresses, {
    'novalab-user': [{ version: 4, addr: '169.254.10.3', 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' }],
  });
  const building = serverDetail(instanceFixture({ vm_state: 'building', task_state: 'spawning' }), {
    base,
    version: v('2.1'),
    isAdmin: false,
  });
  assert.deepEqual(building.addresses, {});
  assert.equal(building.status, 'BUILD');
});

test('the index view is id, name and links', () => {
  assert.deepEqual(serverBasic(instanceFixture(), base), {
    id: '11111111-2222-3333-4444-555555555555',
    name: 'vm1',
    links: [
      { rel: 'self', href: `${base}/v2.1/servers/11111111-2222-3333-4444-555555555555` },
      { rel: 'bookmark', href: `${base}/servers/11111111-2222-3333-4444-555555555555` },
    ],
  });
});

test("a fault names no host folder: qemu-img's and node's texts keep only file names", () => {
  const fault = {
    code: 500,
    created: '2026-11-23T19:05:40.000Z',
    message: `Build of instance x aborted on host-a: Could not open '${process.cwd()}/state/hosts/host-a/instances/x/disk': Permission denied`,
    details: `Error: boom\n    at spawn (file://${process.cwd()}/dist/backend/compute/drivers/qemu/qemu-driver.js:97:15)`,
  };
  const s = serverDetail(instanceFixture({ vm_state: 'error', host: null, fault }), { base, version: v('2.1'), isAdmin: true });
  const f = s.fault as { message: string; details: string };
  assert.equal(f.message, "Build of instance x aborted on host-a: Could not open 'disk': Permission denied");
  assert.equal(f.details, 'Error: boom\n    at spawn (qemu-driver.js:97:15)');
  assert.ok(!JSON.stringify(s.fault).includes(process.cwd()));
});

test('the PUT /servers/{id} answer: the short view before 2.75 (also for admins), the whole one from 2.75', () => {
  const short = serverDetail(instanceFixture(), { base, version: v('2.1'), isAdmin: true, update: true });
  const left = [
    'OS-EXT-AZ:availability_zone',
    'OS-EXT-STS:power_state',
    'OS-EXT-STS:task_state',
    'OS-EXT-STS:vm_state',
    'OS-SRV-USG:launched_at',
    'OS-SRV-USG:terminated_at',
    'config_drive',
    'key_name',
    'os-extended-volumes:volumes_attached',
    'security_groups',
  ];
  assert.deepEqual(keys(short), COMMON.filter((k) => !left.includes(k)).sort());
  const whole = serverDetail(instanceFixture(), { base, version: v('2.75'), isAdmin: false, update: true });
  assert.deepEqual(keys(whole), keys(serverDetail(instanceFixture(), { base, version: v('2.75'), isAdmin: false })));
});

test('access IPs are shown as stored, empty strings when unset', () => {
  const s = serverDetail(instanceFixture({ access_ip_v4: '192.0.2.1', access_ip_v6: '2001:db8::1' }), {
    base,
    version: v('2.1'),
    isAdmin: false,
  });
  assert.deepEqual([s.accessIPv4, s.accessIPv6], ['192.0.2.1', '2001:db8::1']);
  const none = serverDetail(instanceFixture(), { base, version: v('2.1'), isAdmin: false });
  assert.deepEqual([none.accessIPv4, none.accessIPv6], ['', '']);
});
