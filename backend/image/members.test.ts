import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlanceError } from './errors.js';
import {
  assertMayAdd,
  assertMayChangeStatus,
  assertMemberAction,
  MAX_MEMBERS,
  newMember,
  parseMemberCreate,
  parseMemberUpdate,
  toApiMember,
  visibleMembers,
} from './members.js';

const owner = { project_id: 'p-owner', is_admin: false };
const alt = { project_id: 'p-alt', is_admin: false };
const third = { project_id: 'p-third', is_admin: false };
const admin = { project_id: 'p-admin', is_admin: true };
const shared = { id: 'img', owner: 'p-owner', visibility: 'shared' as const };
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return `${(e as GlanceError).status} ${(e as GlanceError).message}`;
  }
  return 'ok';
};

test('only shared images have members; the owner adds and removes, a member (never the owner) answers', () => {
  assert.equal(
    status(() => assertMemberAction(owner, shared, 'create')),
    'ok',
  );
  assert.equal(
    status(() => assertMemberAction(owner, shared, 'delete')),
    'ok',
  );
  assert.equal(
    status(() => assertMemberAction(alt, shared, 'create')),
    '403 Not allowed to create members for image img.',
  );
  assert.equal(
    status(() => assertMemberAction(alt, shared, 'delete')),
    '403 Not allowed to delete members for image img.',
  );
  assert.equal(
    status(() => assertMemberAction(owner, shared, 'update')),
    '403 Not allowed to update members for image img.',
  );
  assert.equal(
    status(() => assertMemberAction(alt, shared, 'update')),
    'ok',
  );
  assert.equal(
    status(() => assertMayChangeStatus(third, 'img', 'p-alt')),
    '403 Not allowed to update members for image img.',
  );
  assert.equal(
    status(() => assertMayChangeStatus(alt, 'img', 'p-alt')),
    'ok',
  );
  assert.equal(
    status(() => assertMemberAction(admin, shared, 'update')),
    'ok',
  );
  const priv = { ...shared, visibility: 'private' as const };
  assert.equal(
    status(() => assertMemberAction(owner, priv, 'create')),
    '403 Not allowed to create members for image img.',
  );
  assert.equal(
    status(() => assertMemberAction(owner, priv, 'list')),
    '403 Not allowed to list members for image img: Only shared images have members.',
  );
});

test('the owner sees every member; a member sees only its own membership', () => {
  const all = [newMember('img', 'p-alt'), newMember('img', 'p-third')];
  assert.equal(visibleMembers(owner, shared, all).length, 2);
  assert.equal(visibleMembers(admin, shared, all).length, 2);
  assert.deepEqual(
    visibleMembers(alt, shared, all).map((m) => m.member_id),
    ['p-alt'],
  );
});

test("request bodies: Glance's 400s, and a duplicate is 409, the 129th member 413", () => {
  assert.equal(parseMemberCreate({ member: 'p-alt' }), 'p-alt');
  assert.equal(
    status(() => parseMemberCreate({})),
    '400 Member to be added not specified',
  );
  assert.equal(
    status(() => parseMemberCreate({ member: '' })),
    "400 Member can't be empty",
  );
  assert.match(
    status(() => parseMemberCreate([1])),
    /^400 Expected a member in the form/,
  );
  assert.equal(parseMemberUpdate({ status: 'accepted' }), 'accepted');
  assert.equal(
    status(() => parseMemberUpdate({})),
    '400 Status not specified',
  );
  assert.equal(
    status(() => parseMemberUpdate({ status: 'notavalidstatus' })),
    '400 Incorrect request: Status must be "pending", "accepted" or "rejected".',
  );
  const one = [newMember('img', 'p-alt')];
  assert.equal(
    status(() => assertMayAdd(one, 'img', 'p-alt')),
    '409 Member p-alt is duplicated for image img',
  );
  const full = Array.from({ length: MAX_MEMBERS }, (_, i) => newMember('img', `p-${i}`));
  assert.match(
    status(() => assertMayAdd(full, 'img', 'p-new')),
    /^413 Image member limit exceeded/,
  );
});

test('a new member is pending, served with second-precision times and its schema', () => {
  const m = newMember('img', 'p-alt', '2026-01-01T00:00:00.123Z');
  assert.deepEqual(toApiMember(m), {
    member_id: 'p-alt',
    image_id: 'img',
    status: 'pending',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    schema: '/v2/schemas/member',
  });
});
