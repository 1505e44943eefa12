import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canModify, canSee, inDefaultList, inVisibilityList } from './visibility.js';
import type { Visibility } from './image-record.js';

const demo = { project_id: 'demo', is_admin: false };
const admin = { project_id: 'admin', is_admin: true };
const img = (visibility: Visibility, owner: string | null = 'admin') => ({ visibility, owner });

test("projects cannot see each other's private or shared images; admin sees all", () => {
  assert.equal(canSee(demo, img('private')), false);
  assert.equal(canSee(demo, img('shared')), false);
  assert.equal(canSee(demo, img('private', 'demo')), true);
  assert.equal(canSee(admin, img('private', 'demo')), true);
});

test('public and community images are visible to every project', () => {
  assert.equal(canSee(demo, img('public')), true);
  assert.equal(canSee(demo, img('community')), true);
  assert.equal(canSee(demo, img('public', null)), true);
});

test('community images of others appear only when asked for', () => {
  assert.equal(inDefaultList(demo, img('community')), false);
  assert.equal(inDefaultList(demo, img('community', 'demo')), true);
  assert.equal(inVisibilityList(demo, img('community'), 'community'), true);
  assert.equal(inVisibilityList(demo, img('private'), 'all'), false);
});

test('only the owner or admin may modify; images without an owner only admin', () => {
  assert.equal(canModify(demo, img('public')), false);
  assert.equal(canModify(demo, img('shared', 'demo')), true);
  assert.equal(canModify(demo, img('public', null)), false);
  assert.equal(canModify(admin, img('public', null)), true);
});

test('a shared image: a member sees it whatever its answer; lists show it once accepted, or by member_status', () => {
  const sharedImg = img('shared', 'admin');
  assert.equal(canSee(demo, sharedImg, 'pending'), true);
  assert.equal(canSee(demo, sharedImg, 'rejected'), true);
  assert.equal(canSee(demo, img('private', 'admin'), 'accepted'), false, 'members of an image no longer shared see nothing');
  assert.equal(inDefaultList(demo, sharedImg, 'pending'), false);
  assert.equal(inDefaultList(demo, sharedImg, 'accepted'), true);
  assert.equal(inDefaultList(demo, sharedImg, 'rejected'), false);
  assert.equal(inVisibilityList(demo, sharedImg, 'shared', 'pending', 'pending'), true);
  assert.equal(inVisibilityList(demo, sharedImg, 'shared', 'pending', 'accepted'), false);
  assert.equal(inVisibilityList(demo, sharedImg, 'shared', 'rejected', 'all'), true);
  // The owner's own shared images are listed whatever member_status asks.
  assert.equal(inVisibilityList(demo, img('shared', 'demo'), 'shared', undefined, 'pending'), true);
});
