import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { instanceFixture } from '../../shared/testing/model-fixtures.js';
import { metadataApp } from './app.js';
import { metadataReply } from './content.js';
import { ensureMetadataSecret } from './signature.js';
import { signatureValid, signInstanceId } from '../../shared/metadata-signature.js';
import { createLogger } from '../../common/log.js';

const inst = instanceFixture({
  key_name: 'k1',
  key_data: 'ssh-rsa AAAA k1',
  user_data: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
  metadata: { role: 'web' },
});
const body = (p: string) => String(metadataReply(p, inst).body);

test("meta_data.json carries the instance's identity, keys and metadata", () => {
  const md = JSON.parse(body('/openstack/latest/meta_data.json'));
  assert.deepEqual(md, {
    uuid: inst.uuid,
    meta: { role: 'web' },
    public_keys: { k1: 'ssh-rsa AAAA k1' },
    keys: [{ name: 'k1', type: 'ssh', data: 'ssh-rsa AAAA k1' }],
    hostname: 'vm1',
    name: 'vm1',
    launch_index: 0,
    availability_zone: 'nova',
    project_id: 'p1',
    devices: [],
  });
  assert.deepEqual(JSON.parse(body('/openstack/2012-08-10/meta_data.json')).uuid, inst.uuid);
  assert.equal(body('/openstack/latest/user_data'), '#!/bin/sh\necho hi\n');
  assert.equal(body('/openstack/latest/vendor_data.json'), '{}');
  assert.deepEqual(JSON.parse(body('/openstack/latest/network_data.json')).links[0].ethernet_mac_address, 'fa:16:3e:00:00:01');
  assert.equal(metadataReply('/openstack/latest/user_data', instanceFixture()).status, 404);
  assert.equal(metadataReply('/openstack/latest/nope', inst).status, 404);
  assert.match(body('/openstack'), /^2012-08-10\n.*latest$/s);
});

test('the EC2 tree answers the paths cloud-init and the lab guest read', () => {
  assert.match(body('/latest/meta-data/'), /^ami-id\n/m);
  assert.ok(body('/latest/meta-data').split('\n').includes('public-keys/'));
  assert.equal(body('/latest/meta-data/instance-id'), 'i-0000000a');
  assert.equal(body('/latest/meta-data/hostname'), 'vm1');
  assert.equal(body('/latest/meta-data/local-hostname'), 'vm1');
  assert.equal(body('/latest/meta-data/local-ipv4'), '169.254.10.3');
  assert.equal(body('/latest/meta-data/placement/availability-zone'), 'nova');
  assert.equal(body('/latest/meta-data/public-keys/'), '0=k1');
  assert.equal(body('/latest/meta-data/public-keys/0/'), 'openssh-key');
  assert.equal(body('/latest/meta-data/public-keys/0/openssh-key'), 'ssh-rsa AAAA k1');
  assert.equal(body('/2009-04-04/user-data'), '#!/bin/sh\necho hi\n');
  assert.equal(metadataReply('/latest/meta-data/nothing', inst).status, 404);
  assert.equal(metadataReply('/latest/meta-data/public-keys/0/', instanceFixture()).status, 404);
});

test("the EC2 tree walks only its own keys, never Object's prototype", () => {
  for (const p of [
    '/latest/meta-data/constructor',
    '/latest/meta-data/constructor/name',
    '/latest/meta-data/__proto__',
    '/latest/meta-data/hasOwnProperty',
  ]) {
    assert.equal(metadataReply(p, inst).status, 404, p);
  }
});

test('signatures are hex HMAC-SHA256 of the instance id', () => {
  const sig = signInstanceId('abc', 's3cret');
  assert.ok(signatureValid('abc', sig, 's3cret'));
  assert.ok(signatureValid('abc', sig.toUpperCase(), 's3cret'));
  assert.ok(!signatureValid('abd', sig, 's3cret'));
  assert.ok(!signatureValid('abc', sig, 'other'));
  assert.ok(!signatureValid('abc', 'zz', 's3cret'));
});

test('the secret is created owner-only once, and concurrent starters agree on it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'md-'));
  try {
    const file = path.join(dir, 'secrets', 'metadata-hmac');
    const secrets = await Promise.all(Array.from({ length: 8 }, () => ensureMetadataSecret(file)));
    assert.equal(new Set(secrets).size, 1);
    assert.match(secrets[0]!, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('over HTTP: only a signed request for a known instance gets answers', async () => {
  const log = createLogger('test', () => undefined);
  const server = http.createServer(metadataApp({ secret: 'k', log, instanceGet: async (id) => (id === inst.uuid ? inst : null) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const get = async (p: string, id?: string, sig?: string) => {
    const headers: Record<string, string> = {};
    if (id) headers['X-Instance-ID'] = id;
    if (sig) headers['X-Instance-ID-Signature'] = sig;
    const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers });
    return { status: res.status, text: await res.text() };
  };
  try {
    assert.equal((await get('/')).status, 200);
    assert.equal((await get('/openstack/latest/meta_data.json')).status, 403);
    assert.equal((await get('/openstack/latest/meta_data.json', inst.uuid, signInstanceId(inst.uuid, 'wrong'))).status, 403);
    assert.equal((await get('/openstack/latest/meta_data.json', inst.uuid, signInstanceId('other', 'k'))).status, 403);
    const ok = await get('/openstack/latest/meta_data.json', inst.uuid, signInstanceId(inst.uuid, 'k'));
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.text).uuid, inst.uuid);
    assert.equal((await get('/openstack/latest/meta_data.json', 'gone', signInstanceId('gone', 'k'))).status, 404);
  } finally {
    server.close();
  }
});
