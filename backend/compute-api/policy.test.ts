import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, POLICY } from './policy.js';

const member = { project_id: 'p1', is_admin: false };
const admin = { project_id: 'admin-project', is_admin: true };

test("admin-only APIs refuse members with Nova's message", () => {
  for (const rule of [
    'os_compute_api:os-hypervisors:list',
    'os_compute_api:os-services:update',
    'os_compute_api:os-flavor-manage:create',
    'os_compute_api:servers:detail:get_all_tenants',
    'os_compute_api:os-quota-sets:update',
  ]) {
    const d = decide(rule, member);
    assert.equal(d.allowed, false, rule);
    assert.equal(!d.allowed && d.message, `Policy doesn't allow ${rule} to be performed.`);
    assert.equal(decide(rule, admin).allowed, true, rule);
  }
});

test("owner rules need the target in the caller's project; admins pass", () => {
  assert.equal(decide('os_compute_api:servers:show', member, { project_id: 'p1' }).allowed, true);
  assert.equal(decide('os_compute_api:servers:show', member, { project_id: 'p2' }).allowed, false);
  assert.equal(decide('os_compute_api:os-quota-sets:show', member, { project_id: 'p2' }).allowed, false);
  assert.equal(decide('os_compute_api:servers:show', admin, { project_id: 'p2' }).allowed, true);
});

test('everyone may read flavors, limits and key pairs', () => {
  for (const rule of [
    'os_compute_api:os-flavor-extra-specs:index',
    'os_compute_api:limits',
    'os_compute_api:os-keypairs:create',
    'os_compute_api:os-availability-zone:list',
  ]) {
    assert.equal(decide(rule, member).allowed, true, rule);
  }
});

test('an unknown rule is a programming error, not an allow', () => {
  assert.throws(() => decide('os_compute_api:nope', admin));
  assert.ok(Object.values(POLICY).every((r) => ['any', 'owner', 'admin'].includes(r)));
});
