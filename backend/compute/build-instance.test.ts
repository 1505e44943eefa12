// nova-compute's build of one instance against a stand-in glance (an HTTP server: what is
// outside the unit), with the real image cache and the real qemu-img: what it fetches, how it
// checks the bytes and the disk size, and what the driver is then asked to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Instance, InstanceFault } from '../../contract/model.js';
import { instanceFixture } from '../shared/testing/model-fixtures.js';
import { createLogger } from '../common/log.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { LabApi } from '../rpc/lab-api.js';
import { bootImageIds, buildAndRunInstance } from './build-instance.js';
import type { ComputeContext } from './compute-context.js';
import type { GuestSpec, ProgressFn } from './driver.js';
import { FakeDriver } from './drivers/fake/fake-driver.js';
import { GlanceWriter } from './glance-writer.js';
import { ImageCache } from './image-cache.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-instance-'));
const cacheDir = path.join(tmp, 'cache');
/** glance's records and bytes, by id; and every id nova-compute asked for. */
const images = new Map<string, { rec: Record<string, unknown>; bytes: Buffer }>();
const asked: string[] = [];
let glance: http.Server;
let glanceUrl: string;

function addImage(id: string, diskFormat: string, bytes: Buffer, extra: Record<string, unknown> = {}): void {
  const checksum = createHash('md5').update(bytes).digest('hex');
  images.set(id, { rec: { id, name: id, status: 'active', disk_format: diskFormat, size: bytes.length, checksum, ...extra }, bytes });
}

const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });
const file = (name: string) => path.join(tmp, name);

before(async () => {
  glance = http.createServer((req, res) => {
    const m = /^\/v2\/images\/([^/]+)(\/file)?$/.exec(req.url ?? '');
    const img = m ? images.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !img) return void res.writeHead(404).end();
    if (m[2]) {
      asked.push(m[1]!);
      return void res.writeHead(200, { 'content-length': img.bytes.length }).end(img.bytes);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(img.rec));
  });
  await new Promise<void>((r) => glance.listen(0, '127.0.0.1', () => r()));
  glanceUrl = `http://127.0.0.1:${(glance.address() as AddressInfo).port}`;
  addImage('kernel', 'aki', Buffer.from('a kernel, as far as anyone here can tell'));
  addImage('other-kernel', 'aki', Buffer.from("another project's private kernel"));
  qemuImg('create', '-q', '-f', 'qcow2', file('small.qcow2'), '64M');
  addImage('small-qcow2', 'qcow2', fs.readFileSync(file('small.qcow2')));
  addImage('raw', 'raw', Buffer.alloc(1 << 20));
  // A 1 PiB disk in 6 MB (large clusters keep the L1 table small); glance's record predates
  // virtual_size, so only nova-compute's own check can catch it.
  qemuImg('create', '-q', '-f', 'qcow2', '-o', 'cluster_size=2M', file('huge.qcow2'), '1P');
  addImage('huge', 'qcow2', fs.readFileSync(file('huge.qcow2')));
  // Bytes that lie: a qcow2 whose record says raw (qemu would honour its header).
  addImage('raw-but-qcow2', 'raw', fs.readFileSync(file('small.qcow2')));
  qemuImg('create', '-q', '-f', 'qcow2', '-b', '/etc/passwd', '-F', 'raw', file('backed.qcow2'));
  addImage('backed', 'qcow2', fs.readFileSync(file('backed.qcow2')));
});

after(() => {
  glance?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

class RecordingDriver extends FakeDriver {
  readonly spawned: GuestSpec[] = [];
  override async spawn(spec: GuestSpec, onProgress?: ProgressFn) {
    this.spawned.push(spec);
    return super.spawn(spec, onProgress);
  }
}

/** Builds one instance on a fresh host and returns what the conductor was told and what the driver was asked. */
async function build(over: Partial<Instance>) {
  const driver = new RecordingDriver();
  await driver.init({ host: 'host-a', instancesDir: path.join(tmp, 'instances') });
  const updates: Partial<Instance>[] = [];
  const conductor = {
    instance_update: async (_uuid: string, patch: Partial<Instance>) => {
      updates.push(patch);
      return null;
    },
    action_event_start: async () => null,
    action_event_finish: async () => null,
  } as unknown as ConductorApi;
  const ctx: ComputeContext = {
    host: 'host-a',
    driver,
    conductor,
    lab: { step: async () => undefined } as unknown as LabApi,
    images: new ImageCache(cacheDir, glanceUrl, { token: async () => 'service-token' }),
    glance: new GlanceWriter(glanceUrl, { token: async () => 'service-token' }),
    shelvedOffloadTime: 0,
    metadata: null,
    vncListen: { kind: 'unix' },
    vncProxyclientAddress: '127.0.0.1',
    acceleratorFor: () => 'tcg',
    publish: () => undefined,
    rescheduleCast: () => undefined,
    deleteConsoleTokensCast: () => undefined,
    log: createLogger('test', () => undefined),
  };
  const inst = instanceFixture({
    uuid: randomUUID(),
    vm_state: 'building',
    task_state: 'scheduling',
    host: 'host-a',
    kernel_id: 'kernel',
    ramdisk_id: null,
    ...over,
  });
  await buildAndRunInstance(ctx, inst);
  const final = Object.assign({}, ...updates) as Partial<Instance>;
  return { driver, final, fault: final.fault as InstanceFault | null | undefined };
}

const imageMeta = (id: string, diskFormat = 'qcow2', properties: Record<string, string> = {}) => ({
  id,
  name: id,
  disk_format: diskFormat,
  container_format: 'bare',
  min_ram: 0,
  min_disk: 0,
  size: null,
  properties,
});

test("a raw image is handed to the driver as raw, a qcow2 as qcow2 (the overlay's backing format)", async () => {
  const raw = await build({ image: imageMeta('raw', 'raw') });
  assert.equal(raw.final.vm_state, 'active', JSON.stringify(raw.fault));
  assert.equal(raw.driver.spawned[0]!.image.diskFormat, 'raw');
  const qcow2 = await build({ image: imageMeta('small-qcow2') });
  assert.equal(qcow2.final.vm_state, 'active', JSON.stringify(qcow2.fault));
  assert.equal(qcow2.driver.spawned[0]!.image.diskFormat, 'qcow2');
});

test("a disk whose virtual size exceeds the flavor's root disk: ERROR with FlavorDiskSmallerThanImage, the driver never asked", async () => {
  const r = await build({ image: imageMeta('huge') });
  assert.equal(r.final.vm_state, 'error');
  assert.match(
    r.fault!.message,
    /aborted on host-a: Flavor's disk is too small for requested image\. Flavor disk is 1073741824 bytes, image is 1125899906842624 bytes\.$/,
  );
  assert.deepEqual(r.driver.spawned, []);
  assert.deepEqual(await r.driver.listRunning(), []);
});

test("a 0 GB root disk takes the image as it is (Nova's semantics): no size check at the host", async () => {
  const r = await build({ image: imageMeta('huge'), flavor: { ...instanceFixture().flavor, disk: 0 } });
  assert.equal(r.final.vm_state, 'active', JSON.stringify(r.fault));
});

test("bytes that are not what glance's record says, or that name a host file, are refused and leave no cached copy", async () => {
  for (const [id, why] of [
    ['raw-but-qcow2', /Image raw-but-qcow2 is unacceptable: Image is not a valid raw: the data is a qcow2 image/],
    ['backed', /Image backed is unacceptable: .*backing file/],
  ] as const) {
    const r = await build({ image: imageMeta(id, images.get(id)!.rec.disk_format as string) });
    assert.equal(r.final.vm_state, 'error', id);
    assert.match(r.fault!.message, why);
    assert.doesNotMatch(r.fault!.message, new RegExp(tmp), 'no host path in the fault');
    assert.deepEqual(r.driver.spawned, [], id);
    assert.equal(fs.existsSync(path.join(cacheDir, id)), false, `${id} is not kept in the cache`);
  }
});

test("the kernel fetched is the one nova-api resolved for the requester, not one the image's properties name now", async () => {
  asked.length = 0;
  const r = await build({ image: imageMeta('small-qcow2', 'qcow2', { kernel_id: 'other-kernel' }), kernel_id: 'kernel' });
  assert.equal(r.final.vm_state, 'active', JSON.stringify(r.fault));
  assert.ok(!asked.includes('other-kernel'), `fetched: ${asked.join(', ')}`);
  assert.equal(path.basename(r.driver.spawned[0]!.image.kernel), 'kernel');
  assert.deepEqual(bootImageIds({ image: imageMeta('x', 'qcow2', { kernel_id: 'k', ramdisk_id: 'r' }) }), {
    disk: 'x',
    kernel: null,
    ramdisk: null,
  });
});
