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
