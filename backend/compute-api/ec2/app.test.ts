import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ec2App, ec2Reply } from './app.js';

test("no action or an action EC2 never had is the client's 400; a real EC2 action is NotImplemented", () => {
  assert.deepEqual([ec2Reply(null).status, ec2Reply(null).code], [400, 'MissingAction']);
  assert.deepEqual([ec2Reply('%').status, ec2Reply('%').code], [400, 'InvalidAction']);
  assert.deepEqual([ec2Reply('DescribeInstances').status, ec2Reply('DescribeInstances').code], [501, 'NotImplemented']);
});

test('odd request targets and methods get an answer and the worker stays up', async () => {
  const server = http.createServer(ec2App);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const ask = (method: string, target: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: target }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? 'Action=%zz&x=1' : undefined);
    });
  try {
    assert.equal(await ask('GET', '//['), 400);
    assert.equal(await ask('GET', '/?Action=%'), 400);
    assert.equal(await ask('POST', '/'), 400);
    assert.equal(await ask('DELETE', '/'), 405);
    assert.equal(await ask('GET', '/?Action=RunInstances'), 501);
  } finally {
    server.close();
  }
});
