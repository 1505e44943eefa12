import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiFault } from './faults.js';
import { parseVersion } from './microversion.js';
import {
  checkImageProperties,
  idFromRef,
  instanceNames,
  parseZone,
  planCreate,
  quotaCount,
  sanitizeHostname,
} from './server-create-plan.js';

const v = (s: string) => parseVersion(s)!;
const quota = {
  instances: 10,
  cores: 20,
  ram: 51200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
};
const used = (instances: number, cores: number, ram: number) => ({ instances, cores, ram, key_pairs: 0, server_groups: 0 });
const rejects = (fn: () => unknown, status: number, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiFault && e.status === status && re.test(e.message));

test('availability_zone: "zone", "zone:host", "zone:host:node", "zone::node", ":host"', () => {
  assert.deepEqual(parseZone('nova'), { zone: 'nova', host: null, node: null });
  assert.deepEqual(parseZone('nova:host-b'), { zone: 'nova', host: 'host-b', node: null });
  assert.deepEqual(parseZone('nova:host-b:host-b'), { zone: 'nova', host: 'host-b', node: 'host-b' });
  assert.deepEqual(parseZone('az-east::host-c'), { zone: 'az-east', host: null, node: 'host-c' });
  assert.deepEqual(parseZone(':host-b'), { zone: null, host: 'host-b', node: null });
  assert.deepEqual(parseZone(undefined), { zone: null, host: null, node: null });
  rejects(() => parseZone('a:b:c:d'), 400, /Unable to parse availability_zone/);
});

test('hostnames are sanitised as Nova does; a multi-create numbers the names', () => {
  assert.equal(sanitizeHostname('My Web_Server.1', 'x'), 'my-web-server-1');
  assert.equal(sanitizeHostname('--vm--', 'x'), 'vm');
  assert.equal(sanitizeHostname('服务器', 'Server-abc'), 'Server-abc');
  assert.equal(sanitizeHostname('a'.repeat(80), 'x').length, 63);
  assert.deepEqual(instanceNames('web', 1), ['web']);
  assert.deepEqual(instanceNames('web', 3), ['web-1', 'web-2', 'web-3']);
});

test('refs may be ids or hrefs', () => {
  assert.equal(idFromRef('http://h:8774/v2.1/flavors/42'), '42');
  assert.equal(idFromRef(1), '1');
});

test("quota: as many as fit between min and max, else Nova's 403 naming every resource over", () => {
  const need = { vcpus: 2, ram: 1024 };
  assert.equal(quotaCount(quota, used(0, 0, 0), need, 1, 3), 3);
  assert.equal(quotaCount(quota, used(8, 0, 0), need, 1, 5), 2);
  rejects(
    () => quotaCount(quota, used(10, 0, 0), need, 1, 1),
    403,
    /^Quota exceeded for instances: Requested 1, but already used 10 of 10 instances$/,
  );
  rejects(
    () => quotaCount(quota, used(10, 20, 0), need, 1, 1),
    403,
    /^Quota exceeded for instances, cores: Requested 1, 2, but already used 10, 20 of 10, 20 instances, cores$/,
  );
  assert.equal(quotaCount({ ...quota, instances: -1 }, used(1000, 0, 0), need, 1, 1), 1);
});

test('a create plan refuses what novalab cannot do, with clear messages', () => {
  const body = (extra: Record<string, unknown>) => ({ server: { name: 'vm', imageRef: 'img', flavorRef: '1', ...extra } });
  rejects(() => planCreate(body({ networks: [{ uuid: 'n1' }] }), v('2.37')), 400, /no network service/);
  rejects(() => planCreate(body({ block_device_mapping_v2: [{}] }), v('2.37')), 400, /no volume service/);
  rejects(() => planCreate(body({ imageRef: '' }), v('2.37')), 400, /imageRef/);
  rejects(() => planCreate(body({ min_count: 3, max_count: 2 }), v('2.1')), 400, /min_count must be <= max_count/);
  rejects(() => planCreate(body({ user_data: 'not base64!' }), v('2.1')), 400, /Userdata content cannot be decoded/);
  rejects(() => planCreate(body({ security_groups: [{ name: 'web' }] }), v('2.1')), 400, /Security group web not found/);
  const p = planCreate(
    {
      ...body({ availability_zone: 'nova:host-b', user_data: 'IyEvYmluL3NoCg==', max_count: '2' }),
      'os:scheduler_hints': { same_host: 'x', _nova_check_type: ['rebuild'] },
    },
    v('2.1'),
  );
  assert.deepEqual(
    [p.zone, p.forcedHost, p.minCount, p.maxCount, p.userData, p.hints],
    ['nova', 'host-b', 1, 2, 'IyEvYmluL3NoCg==', { same_host: 'x' }],
    'an internal hint of Nova given by a user is dropped',
  );
  assert.equal(planCreate(body({ networks: 'none' }), v('2.37')).forcedHost, null);
});

test("an image whose hw_firmware_type Nova does not know is refused at create, as Nova's ImageMeta refuses it", () => {
  checkImageProperties({ hw_firmware_type: 'uefi', architecture: 'aarch64' });
  checkImageProperties({ hw_firmware_type: 'bios' });
  checkImageProperties({});
  rejects(
    () => checkImageProperties({ hw_firmware_type: 'coreboot' }),
    400,
    /^Invalid image metadata\. Error: Field value coreboot is invalid$/,
  );
  // Nova's enum fields compare exactly.
  rejects(() => checkImageProperties({ hw_firmware_type: 'UEFI' }), 400, /Field value UEFI is invalid/);
});
