// The instance actions the GUI offers follow Nova's state checks and policy, and each sends the
// body nova-api expects and shows the `openstack` command that would send the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionBody, actionCommand, actionsFor, paramMissing, specOf } from './instance-actions';

const names = (status: string, admin: boolean) => actionsFor(status, admin).map((a) => a.name);

test('an ACTIVE server offers snapshot, resize, rebuild, rescue and shelve; migrate only to admin', () => {
  const member = names('ACTIVE', false);
  for (const a of ['createImage', 'resize', 'rebuild', 'rescue', 'shelve', 'os-stop', 'reboot'] as const) assert.ok(member.includes(a), a);
  assert.ok(!member.includes('migrate'), 'migrate is admin-only in Nova');
  assert.ok(names('ACTIVE', true).includes('migrate'));
  for (const a of ['confirmResize', 'revertResize', 'unrescue', 'unshelve', 'os-start'] as const) assert.ok(!member.includes(a), a);
});

test('a resized server waits for confirm or revert and nothing else that moves it', () => {
  assert.deepEqual(names('VERIFY_RESIZE', true), ['confirmResize', 'revertResize']);
});

test('rescued and shelved servers only offer their way back', () => {
  assert.deepEqual(names('RESCUE', false), ['unrescue']);
  assert.deepEqual(names('SHELVED', false), ['unshelve']);
  assert.deepEqual(names('SHELVED_OFFLOADED', false), ['unshelve']);
});

test('an ERROR server may be stopped, rebuilt or rescued, as Nova allows', () => {
  assert.deepEqual(names('ERROR', false), ['os-stop', 'rebuild', 'rescue']);
});

test('a server in BUILD offers no action (Nova would answer 409)', () => {
  assert.deepEqual(names('BUILD', true), []);
});

test("bodies are Nova's: resize by flavorRef, rebuild by imageRef, snapshot by name, rescue image optional", () => {
  assert.deepEqual(actionBody('resize', '2'), { resize: { flavorRef: '2' } });
  assert.deepEqual(actionBody('rebuild', 'img'), { rebuild: { imageRef: 'img' } });
  assert.deepEqual(actionBody('createImage', ' snap 1 '), { createImage: { name: 'snap 1' } });
  assert.deepEqual(actionBody('rescue'), { rescue: {} });
  assert.deepEqual(actionBody('rescue', 'img'), { rescue: { rescue_image_ref: 'img' } });
  assert.deepEqual(actionBody('confirmResize'), { confirmResize: null });
  assert.deepEqual(actionBody('reboot'), { reboot: { type: 'SOFT' } });
});

test('an action is not sent without the flavor, image or name it needs; the rescue image may stay empty', () => {
  assert.ok(paramMissing(specOf('resize'), ''));
  assert.ok(paramMissing(specOf('createImage'), '  '));
  assert.ok(!paramMissing(specOf('rescue'), ''));
  assert.ok(!paramMissing(specOf('shelve'), ''));
});

test('the CLI equivalent quotes what the shell would split', () => {
  assert.equal(actionCommand('resize', 'web-1', 'm1.small'), 'openstack server resize --flavor m1.small web-1');
  assert.equal(actionCommand('confirmResize', 'web 1'), "openstack server resize confirm 'web 1'");
  assert.equal(actionCommand('createImage', 'web-1', "it's mine"), "openstack server image create --name 'it'\\''s mine' web-1");
  assert.equal(actionCommand('rescue', 'web-1'), 'openstack server rescue web-1');
  assert.equal(actionCommand('rescue', 'web-1', 'novalab-x86_64'), 'openstack server rescue --image novalab-x86_64 web-1');
});
