import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GlanceError } from '../errors.js';
import { ImageStore } from '../store.js';
import { toApiNamespace } from './model.js';
import { MetadefService } from './service.js';

const admin = { project_id: 'p-admin', is_admin: true };
const demo = { project_id: 'p-demo', is_admin: false };
const fail = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return `${(e as GlanceError).status} ${(e as GlanceError).message}`;
  }
  return 'ok';
};

async function fresh() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-metadefs-'));
  const dbFile = path.join(dir, 'db', 'glance.json');
  fs.mkdirSync(path.dirname(dbFile));
  const open = () => ImageStore.open(dbFile, path.join(dir, 'images'));
  return { md: new MetadefService(await open()), reopen: async () => new MetadefService(await open()) };
}

test('a namespace with nested definitions is stored durably and served as Glance does', async () => {
  const { md, reopen } = await fresh();
  await md.createNamespace(
    {
      namespace: 'OS::Lab::Disk',
      display_name: 'Disk',
      visibility: 'public',
      protected: true,
      resource_type_associations: [{ name: 'OS::Glance::Image', prefix: 'hw_' }],
      objects: [{ name: 'bus', properties: { disk_bus: { type: 'string', title: 'Bus', enum: ['virtio', 'scsi'] } } }],
      properties: { cache: { type: 'string', title: 'Cache' } },
      tags: [{ name: 'fast' }],
    },
    admin,
  );
  const again = await reopen();
  const shown = toApiNamespace(again.namespace('OS::Lab::Disk', demo), true);
  assert.equal(shown.owner, 'p-admin');
  assert.equal(shown.self, '/v2/metadefs/namespaces/OS::Lab::Disk');
  assert.deepEqual(
    (shown.resource_type_associations as { name: string; prefix: string }[]).map((a) => [a.name, a.prefix]),
    [['OS::Glance::Image', 'hw_']],
  );
  assert.deepEqual(shown.properties, { cache: { name: 'cache', type: 'string', title: 'Cache' } });
  assert.equal((shown.objects as { self: string }[])[0]!.self, '/v2/metadefs/namespaces/OS::Lab::Disk/objects/bus');
  assert.deepEqual(
    (shown.tags as { name: string }[]).map((t) => t.name),
    ['fast'],
  );
  // A protected namespace (and what is inside it) cannot be deleted until it is unprotected.
  assert.match(await fail(again.deleteNamespace('OS::Lab::Disk', admin)), /^403 Metadata definition namespace OS::Lab::Disk is protected/);
  assert.match(await fail(again.deleteTag('OS::Lab::Disk', 'fast', admin)), /^403 /);
  await again.updateNamespace('OS::Lab::Disk', { namespace: 'OS::Lab::Disk', visibility: 'private', protected: false }, admin);
  await again.deleteNamespace('OS::Lab::Disk', admin);
  assert.match(await fail(() => again.namespace('OS::Lab::Disk', admin)), /^404 Metadata definition namespace=OS::Lab::Disk was not found/);
});

test("writes are admin-only; another project's private namespace is a 404, a public one readable", async () => {
  const { md } = await fresh();
  assert.equal(
    await fail(md.createNamespace({ namespace: 'mine' }, demo)),
    '403 You are not authorized to complete add_metadef_namespace action.',
  );
  await md.createNamespace({ namespace: 'hidden', visibility: 'private' }, admin);
  await md.createNamespace({ namespace: 'open', visibility: 'public' }, admin);
  assert.match(await fail(() => md.namespace('hidden', demo)), /^404 /);
  assert.match(await fail(md.createObject('hidden', { name: 'o' }, demo)), /^404 /);
  assert.equal(
    await fail(md.createObject('open', { name: 'o' }, demo)),
    '403 You are not authorized to complete add_metadef_object action.',
  );
  assert.deepEqual(
    md.listNamespaces({}, demo).namespaces.map((n) => n.namespace),
    ['open'],
  );
  assert.deepEqual(
    md.listNamespaces({ visibility: 'private' }, admin).namespaces.map((n) => n.namespace),
    ['hidden'],
  );
});

test('objects, properties and tags: create, rename, duplicates 409, bad bodies 400, read-only keys 403', async () => {
  const { md } = await fresh();
  await md.createNamespace({ namespace: 'ns' }, admin);
  await md.createObject('ns', { name: 'a' }, admin);
  assert.match(await fail(md.createObject('ns', { name: 'a' }, admin)), /^409 A metadata definition object with name=a already exists/);
  await md.updateObject('ns', 'a', { name: 'b', description: 'renamed' }, admin);
  assert.equal(md.object('ns', 'b', admin).description, 'renamed');
  assert.match(await fail(() => md.object('ns', 'a', admin)), /^404 The metadata definition object with name=a was not found/);
  assert.match(
    await fail(md.createProperty('ns', { name: 'p', type: 'string' }, admin)),
    /^400 Provided object does not match schema 'property'/,
  );
  assert.match(await fail(md.createObject('ns', { name: 'c', created_at: 'x' }, admin)), /^403 Attribute 'created_at' is read-only/);
  await md.createProperty('ns', { name: 'p', type: 'string', title: 'P', enum: ['x', 'y'] }, admin);
  await md.updateProperty('ns', 'p', { name: 'p', type: 'string', title: 'P2' }, admin);
  assert.deepEqual(md.property('ns', 'p', admin), { type: 'string', title: 'P2' });
  await md.createTags('ns', { tags: [{ name: 't1' }, { name: 't2' }] }, admin, false);
  await md.createTags('ns', { tags: [{ name: 't3' }] }, admin, true);
  assert.match(await fail(md.createTags('ns', { tags: [{ name: 'x' }, { name: 'x' }] }, admin, false)), /^409 /);
  await md.createTag('ns', 't4', admin);
  await md.updateTag('ns', 't4', { name: 't5' }, admin);
  assert.deepEqual(
    md.namespace('ns', admin).tags.map((t) => t.name),
    ['t1', 't2', 't3', 't5'],
  );
  await md.deleteTags('ns', admin);
  assert.deepEqual(md.namespace('ns', admin).tags, []);
});

test('resource types: seeded, associations create unknown types, dissociation of a missing one is 404', async () => {
  const { md } = await fresh();
  assert.ok(md.resourceTypes().some((t) => t.name === 'OS::Glance::Image'));
  await md.createNamespace({ namespace: 'ns' }, admin);
  await md.associate('ns', { name: 'OS::Lab::Thing', prefix: 'lab:' }, admin);
  assert.ok(md.resourceTypes().some((t) => t.name === 'OS::Lab::Thing'));
  assert.match(await fail(md.associate('ns', { name: 'OS::Lab::Thing' }, admin)), /^409 /);
  assert.deepEqual(md.listNamespaces({ resource_types: 'OS::Lab::Thing' }, admin).namespaces.length, 1);
  await md.dissociate('ns', 'OS::Lab::Thing', admin);
  assert.match(await fail(md.dissociate('ns', 'OS::Lab::Thing', admin)), /^404 The metadata definition resource-type association/);
});

test('names are data: a namespace or property called __proto__ is stored like any other', async () => {
  const { md, reopen } = await fresh();
  await md.createNamespace({ namespace: '__proto__', visibility: 'public' }, admin);
  await md.createProperty('__proto__', { name: '__proto__', type: 'string', title: 'odd' }, admin);
  const again = await reopen();
  assert.deepEqual(again.property('__proto__', '__proto__', demo), { type: 'string', title: 'odd' });
  assert.deepEqual(
    again.listNamespaces({ visibility: ['private', 'public'] }, demo).namespaces.map((n) => n.namespace),
    ['__proto__'],
  );
});
