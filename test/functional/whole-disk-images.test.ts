// Whole-disk images through the API (fake driver, so no guest boots here: the real boots are
// test/real/whole-disk-boot.test.ts). An image without kernel_id used to end in ERROR at the
// host; now it builds like any image, and an hw_firmware_type Nova does not know is a 400 at
// create, with nothing made. The lab registers its own whole-disk images when built.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, novaRequest } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'whole-disk-fn-'));

async function glance(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const res = await fetch(lab.url('glance-api', p), {
    method,
    headers: { 'X-Auth-Token': admin, 'Content-Type': contentType },
    body: body === undefined ? undefined : body instanceof Buffer ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A small qcow2 uploaded as a whole-disk image (no kernel_id) with these properties. */
async function wholeDiskImage(name: string, properties: Record<string, string>): Promise<string> {
  const file = path.join(tmp, `${name}.qcow2`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
  const made = await glance('POST', '/v2/images', { name, disk_format: 'qcow2', container_format: 'bare', ...properties });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const put = await glance('PUT', `/v2/images/${made.json.id}/file`, fs.readFileSync(file), 'application/octet-stream');
  assert.equal(put.status, 204);
  return made.json.id as string;
}

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  admin = await labToken(lab);
});
after(async () => {
  await lab?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const create = (name: string, imageRef: string) =>
  novaRequest(lab, admin, 'POST', '/servers', { body: { server: { name, imageRef, flavorRef: '1', networks: 'none' } }, version: '2.37' });

test('a whole-disk image (no kernel_id) boots to ACTIVE, with hw_firmware_type uefi or none', async () => {
  for (const [name, props] of [
    ['disk-uefi', { architecture: 'aarch64', hw_firmware_type: 'uefi' }],
    ['disk-plain', { architecture: 'x86_64' }],
  ] as const) {
    const image = await wholeDiskImage(`img-${name}`, props);
    const r = await create(name, image);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const server = await eventually(
      `${name} ACTIVE or ERROR`,
      async () => {
        const s = (await novaRequest(lab, admin, 'GET', `/servers/${r.body.server.id}`)).body.server;
        return ['ACTIVE', 'ERROR'].includes(s.status) ? s : null;
      },
      60_000,
      200,
    );
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
  }
});

test('an hw_firmware_type Nova does not know is a 400 at create, and no server is made', async () => {
  const image = await wholeDiskImage('img-coreboot', { hw_firmware_type: 'coreboot' });
  const r = await create('disk-coreboot', image);
  assert.equal(r.status, 400);
  assert.deepEqual(faultOf(r), { code: 400, message: 'Invalid image metadata. Error: Field value coreboot is invalid' });
  const list = await novaRequest(lab, admin, 'GET', '/servers?name=disk-coreboot');
  assert.deepEqual(list.body.servers, []);
});
