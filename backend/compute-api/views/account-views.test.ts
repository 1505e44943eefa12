import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../microversion.js';
import type { QuotaSet } from '../../../contract/model.js';
import { keypairCreated, keypairListItem, limitsView, quotaSetView } from './account-views.js';
import { actionDetail, actionSummary } from './action-view.js';

const v = (s: string) => parseVersion(s)!;
const quota: QuotaSet = {
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
const usage = { instances: 1, cores: 1, ram: 256, key_pairs: 0, server_groups: 0 };

test('quota sets drop the network keys at 2.36 and the file keys at 2.57', () => {
  const keys = (ver: string) => Object.keys(quotaSetView('p1', quota, v(ver)).quota_set as object).sort();
  assert.deepEqual(keys('2.1'), [
    'cores',
    'fixed_ips',
    'floating_ips',
    'id',
    'injected_file_content_bytes',
    'injected_file_path_bytes',
    'injected_files',
    'instances',
    'key_pairs',
    'metadata_items',
    'ram',
    'security_group_rules',
    'security_groups',
    'server_group_members',
    'server_groups',
  ]);
  assert.deepEqual(keys('2.36'), [
    'cores',
    'id',
    'injected_file_content_bytes',
    'injected_file_path_bytes',
    'injected_files',
    'instances',
    'key_pairs',
    'metadata_items',
    'ram',
    'server_group_members',
    'server_groups',
  ]);
  assert.deepEqual(keys('2.57'), [
    'cores',
    'id',
    'instances',
    'key_pairs',
    'metadata_items',
    'ram',
    'server_group_members',
    'server_groups',
  ]);
  const detail = quotaSetView('p1', quota, v('2.57'), usage).quota_set as Record<string, unknown>;
  assert.deepEqual(detail.ram, { in_use: 256, limit: 51200, reserved: 0 });
  assert.equal(detail.id, 'p1');
});

test('absolute limits follow the same removals (2.36, 2.39, 2.57)', () => {
  const keys = (ver: string) => Object.keys((limitsView(quota, usage, v(ver)).limits as { absolute: object }).absolute).sort();
  const core = [
    'maxServerGroupMembers',
    'maxServerGroups',
    'maxServerMeta',
    'maxTotalCores',
    'maxTotalInstances',
    'maxTotalKeypairs',
    'maxTotalRAMSize',
    'totalCoresUsed',
    'totalInstancesUsed',
    'totalRAMUsed',
    'totalServerGroupsUsed',
  ];
  assert.deepEqual(keys('2.57'), core);
  assert.deepEqual(keys('2.39'), [...core, 'maxPersonality', 'maxPersonalitySize'].sort());
  assert.deepEqual(keys('2.36'), [...core, 'maxImageMeta', 'maxPersonality', 'maxPersonalitySize'].sort());
  assert.deepEqual(
    keys('2.1'),
    [
      ...core,
      'maxImageMeta',
      'maxPersonality',
      'maxPersonalitySize',
      'maxSecurityGroupRules',
      'maxSecurityGroups',
      'maxTotalFloatingIps',
      'totalFloatingIpsUsed',
      'totalSecurityGroupsUsed',
    ].sort(),
  );
});

test('key pairs: type from 2.2; a generated key carries its private key once', () => {
  const k = {
    name: 'k1',
    user_id: 'u1',
    public_key: 'ssh-rsa AAAA x',
    fingerprint: 'aa:bb',
    type: 'ssh' as const,
    created_at: '2026-11-23T19:05:36.000Z',
    id: 1,
  };
  assert.deepEqual(Object.keys(keypairListItem(k, v('2.1')).keypair as object).sort(), ['fingerprint', 'name', 'public_key']);
  assert.deepEqual(Object.keys(keypairListItem(k, v('2.2')).keypair as object).sort(), ['fingerprint', 'name', 'public_key', 'type']);
  assert.deepEqual(Object.keys(keypairCreated(k, v('2.10'), 'PEM').keypair as object).sort(), [
    'fingerprint',
    'name',
    'private_key',
    'public_key',
    'type',
    'user_id',
  ]);
});

test('instance actions: updated_at from 2.58; events show traceback to admins, hostId from 2.62, details from 2.84', () => {
  const a = {
    action: 'create',
    instance_uuid: 'i1',
    request_id: 'req-1',
    user_id: 'u1',
    project_id: 'p1',
    start_time: '2026-11-23T19:06:41.407Z',
    updated_at: '2026-11-23T19:06:42.000Z',
    message: null,
    events: [
      {
        event: 'compute_build_and_run_instance',
        start_time: '2026-11-23T19:06:41.500Z',
        finish_time: '2026-11-23T19:06:42.000Z',
        result: 'Success' as const,
        traceback: null,
        host: 'host-a',
        details: null,
      },
    ],
  };
  assert.equal(actionSummary(a, v('2.1')).start_time, '2026-11-23T19:06:41.407000');
  assert.equal('updated_at' in actionSummary(a, v('2.57')), false);
  assert.equal('updated_at' in actionSummary(a, v('2.58')), true);
  assert.equal('events' in actionDetail(a, v('2.50'), false), false);
  const event = (ver: string, admin: boolean) => Object.keys((actionDetail(a, v(ver), admin).events as object[])[0]!).sort();
  assert.deepEqual(event('2.51', false), ['event', 'finish_time', 'result', 'start_time']);
  assert.deepEqual(event('2.1', true), ['event', 'finish_time', 'result', 'start_time', 'traceback']);
  assert.deepEqual(event('2.62', false), ['event', 'finish_time', 'hostId', 'result', 'start_time']);
  assert.deepEqual(event('2.84', true), ['details', 'event', 'finish_time', 'host', 'hostId', 'result', 'start_time', 'traceback']);
});

test("an event's traceback and details name no host folder", () => {
  const root = process.cwd();
  const a = {
    action: 'create',
    instance_uuid: 'i1',
    request_id: 'req-1',
    user_id: 'u1',
    project_id: 'p1',
    start_time: '2026-11-23T19:06:41.407Z',
    updated_at: '2026-11-23T19:06:42.000Z',
    message: 'Error',
    events: [
      {
        event: 'compute__do_build_and_run_instance',
        start_time: '2026-11-23T19:06:41.500Z',
        finish_time: '2026-11-23T19:06:42.000Z',
        result: 'Error' as const,
        host: 'host-a',
        details: `guest spec unreadable (${root}/state/hosts/host-a/instances/i1/spec.json): EACCES`,
        traceback: `Error: guest spec unreadable\n    at read (file://${root}/dist/backend/compute/drivers/qemu/instance-dir.js:23:11)`,
      },
    ],
  };
  const e = (actionDetail(a, v('2.84'), true).events as { details: string; traceback: string }[])[0]!;
  assert.equal(e.details, 'guest spec unreadable (spec.json): EACCES');
  assert.equal(e.traceback, 'Error: guest spec unreadable\n    at read (instance-dir.js:23:11)');
});
