// The wizard's request and its CLI and curl equivalents must say the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64, createBody, curlCommand, openstackCommand, type LaunchChoice } from './commands';

const choice: LaunchChoice = { name: 'web 1', image: 'novalab-x86_64', flavor: 'm1.tiny', zone: '', keyName: '', userData: '' };

test('the smallest launch: no network service, and the CLI quotes what the shell would split', () => {
  assert.deepEqual(createBody(choice, 'img-id', '1'), { server: { name: 'web 1', imageRef: 'img-id', flavorRef: '1', networks: 'none' } });
  assert.equal(
    openstackCommand(choice),
    "openstack server create \\\n    --image novalab-x86_64 \\\n    --flavor m1.tiny \\\n    --nic none \\\n    --wait \\\n    'web 1'",
  );
});

test('zone, key, user data (base64 of its UTF-8) and server group reach the body and the CLI alike', () => {
  const full: LaunchChoice = {
    ...choice,
    zone: 'az-b',
    keyName: 'k1',
    userData: '#!/bin/sh\necho 你好',
    group: '7b1f4bde-8e3c-4a55-9f6a-2c1d0e9b8a77',
  };
  const body = createBody(full, 'img-id', '1');
  assert.equal(body.server.availability_zone, 'az-b');
  assert.equal(body.server.key_name, 'k1');
  assert.equal(Buffer.from(body.server.user_data!, 'base64').toString('utf8'), '#!/bin/sh\necho 你好');
  assert.deepEqual(body['os:scheduler_hints'], { group: '7b1f4bde-8e3c-4a55-9f6a-2c1d0e9b8a77' });
  const cli = openstackCommand(full);
  for (const part of [
    '--availability-zone az-b',
    '--key-name k1',
    '--user-data user-data.txt',
    '--hint group=7b1f4bde-8e3c-4a55-9f6a-2c1d0e9b8a77',
  ])
    assert.ok(cli.includes(part), `${part} in ${cli}`);
  assert.equal(base64('é'), Buffer.from('é').toString('base64'));
});

test("curl sends the same body with the GUI's microversion, quoted for the shell", () => {
  const body = createBody({ ...choice, name: "it's" }, 'img-id', '1');
  const curl = curlCommand('http://127.0.0.1:8780', body, '2.79');
  assert.match(curl, /-H "OpenStack-API-Version: compute 2\.79"/);
  assert.match(curl, /curl -s -X POST http:\/\/127\.0\.0\.1:8780\/compute\/v2\.1\/servers/);
  const quoted = curl.slice(curl.indexOf("-d '") + 4, curl.lastIndexOf("'"));
  assert.deepEqual(JSON.parse(quoted.replace(/'\\''/g, "'")), body);
});
