// Hostile images against a whole lab (real glance, nova-api, nova-compute with the QEMU
// driver, the real qemu-img): images that would hand a guest a host file (backing files,
// external data files, VMDK extents), whose bytes lie about their format, that would fill the
// host's disk, or that borrow another project's private kernel — each refused at upload or at
// create, and never booted: no instance, no instance directory, no cached copy, and no QEMU
// process seen while they were tried. Then one boot where it is the point: a raw copy of the
// lab's x86_64 disk reaches its login banner (raw images used to fail at `qemu-img create -F qcow2`).
// Cases test/functional/image.test.ts already covers (a qcow2 backed by /etc/passwd, text
// claimed as qcow2, a qcow2 claimed as raw) are not repeated here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, labToken, processTree, startLab, type LabHandle } from '../../harness/lab-process.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let work: string;
const labImages: Record<string, Record<string, unknown>> = {};
/** Every qemu-system process seen in the lab's process tree, by pid, with its command line. */
const qemuSeen = new Map<number, string>();
let sampler: NodeJS.Timeout | undefined;
/** Ids of every hostile image tried (none may ever reach a host). */
const hostile: string[] = [];

const GiB = 1024 ** 3;
const PiB = 2 ** 50;

function sampleQemu(): void {
  for (const pid of processTree(lab.child.pid!)) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (path.basename(cmd[0]!).startsWith('qemu-system')) qemuSeen.set(pid, cmd.join(' '));
    } catch {
      /* gone */
    }
  }
}

const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe', cwd: work });
const file = (name: string) => path.join(work, name);

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 }); // the QEMU driver (the default); the first start may build the guest images
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  for (const name of ['novalab-x86_64']) {
    const r = await glance('GET', `/v2/images?name=${name}`, { token: demo });
    labImages[name] = r.json.images[0];
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-hostile-'));
  fs.writeFileSync(file('host-secret.raw'), 'a file of the host the guest must never read\n'.repeat(100));
  sampler = setInterval(sampleQemu, 100);
});

after(async () => {
  if (sampler) clearInterval(sampler);
  await lab?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface Reply {
  status: number;
  text: string;
  json: any;
}
async function http(
  url: string,
  method: string,
  token: string,
  body?: unknown,
  raw?: Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const h: Record<string, string> = { 'X-Auth-Token': token, ...headers };
  if (body !== undefined) h['Content-Type'] ??= 'application/json';
  if (raw !== undefined) h['Content-Type'] = 'application/octet-stream';
  const res = await fetch(url, {
    method,
    headers: h,
    body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* glance's plain-text errors */
  }
  return { status: res.status, text, json };
}
const glance = (method: string, p: string, o: { token?: string; body?: unknown; raw?: Buffer } = {}) =>
  http(lab.url('glance-api', p), method, o.token ?? admin, o.body, o.raw);
const nova = (method: string, p: string, o: { token?: string; body?: unknown } = {}) =>
  http(lab.url('osapi_compute', `/v2.1${p}`), method, o.token ?? demo, o.body, undefined, { 'OpenStack-API-Version': 'compute 2.37' });

/** A queued image with these attributes; returns its id. */
async function newImage(attrs: Record<string, unknown>, token = demo): Promise<string> {
  const r = await glance('POST', '/v2/images', { token, body: { container_format: 'bare', ...attrs } });
  assert.equal(r.status, 201, r.text);
  return r.json.id as string;
}

const glanceFiles = () => fs.readdirSync(path.join(lab.stateDir, 'images')).filter((f) => !f.startsWith('.'));
const hostDirs = (sub: 'instances' | 'image-cache') => {
  const hosts = path.join(lab.stateDir, 'hosts');
  return fs.existsSync(hosts)
    ? fs.readdirSync(hosts).flatMap((h) => {
        const d = path.join(hosts, h, sub);
        return fs.existsSync(d) && fs.statSync(d).isDirectory() ? fs.readdirSync(d) : [];
      })
    : [];
};

/** Upload `bytes` claimed as `diskFormat`: a 400 naming `why`, the image still queued, nothing kept; and no server from it. */
async function refusedUpload(name: string, diskFormat: string, bytes: Buffer, why: RegExp): Promise<void> {
  const id = await newImage({ name, disk_format: diskFormat, ...(diskFormat === 'aki' ? { container_format: 'aki' } : {}) });
  hostile.push(id);
  const r = await glance('PUT', `/v2/images/${id}/file`, { token: demo, raw: bytes });
  assert.equal(r.status, 400, `${name}: ${r.status} ${r.text}`);
  assert.match(r.text, why, name);
  assert.doesNotMatch(r.text, new RegExp(work), `${name}: the error shows no host path`);
  const after = await glance('GET', `/v2/images/${id}`, { token: demo });
  assert.deepEqual([after.json.status, after.json.size], ['queued', null], name);
  assert.ok(!glanceFiles().includes(id), `${name}: no data file kept`);
  const create = await nova('POST', '/servers', { body: { server: { name, imageRef: id, flavorRef: '1', networks: 'none' } } });
  assert.deepEqual(create.json, { badRequest: { code: 400, message: `Image ${id} is not active.` } }, name);
}

test('backing files, absolute and relative, are refused at upload', async () => {
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', '../../../../../../etc/shadow', '-F', 'raw', 'relative.qcow2', '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'host-secret.raw', '-F', 'raw', 'sibling.qcow2', '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', file('host-secret.raw'), '-F', 'raw', 'absolute.qcow2', '64M');
  // A backing chain: the image's backing file is itself a qcow2 (format probed by qemu, no -F).
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'absolute.qcow2', '-F', 'qcow2', 'chain.qcow2', '64M');
  for (const name of ['relative.qcow2', 'sibling.qcow2', 'absolute.qcow2', 'chain.qcow2']) {
    await refusedUpload(
      name,
      'qcow2',
      fs.readFileSync(file(name)),
      /^400 Bad Request\n\nImage is not a valid qcow2: it names a backing file/,
    );
  }
});

test('external data files (data_file), absolute and relative, are refused at upload', async () => {
  qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${file('data-abs.raw')},data_file_raw=on`, 'data-abs.qcow2', '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-o', 'data_file=data-rel.raw', 'data-rel.qcow2', '64M');
  for (const name of ['data-abs.qcow2', 'data-rel.qcow2']) {
    await refusedUpload(name, 'qcow2', fs.readFileSync(file(name)), /Image is not a valid qcow2: it uses an external data file/);
  }
});

test('VMDK descriptors whose extents are host files are refused, as vmdk and as raw', async () => {
  const descriptor = (extent: string, type = 'monolithicFlat') =>
    Buffer.from(
      [
        '# Disk DescriptorFile',
        'version=1',
        'CID=fffffffe',
        'parentCID=ffffffff',
        `createType="${type}"`,
        '',
        '# Extent description',
        `RW 2048 FLAT "${extent}" 0`,
        '',
        '# The Disk Data Base',
        '#DDB',
        'ddb.virtualHWVersion = "4"',
        '',
      ].join('\n'),
    );
  await refusedUpload(
    'vmdk-abs',
    'vmdk',
    descriptor('/etc/passwd'),
    /Image is not a valid vmdk: VMDK create-type monolithicFlat is not allowed/,
  );
  await refusedUpload('vmdk-rel', 'vmdk', descriptor('../../../../../etc/passwd'), /Image is not a valid vmdk: /);
  await refusedUpload('vmdk-2gb', 'vmdk', descriptor(file('host-secret.raw'), 'twoGbMaxExtentFlat'), /Image is not a valid vmdk: /);
  await refusedUpload('vmdk-as-raw', 'raw', descriptor('/etc/passwd'), /Image is not a valid raw: the data is a vmdk image/);
});

test('bytes that lie about their format are refused at upload', async () => {
  qemuImg('create', '-q', '-f', 'qcow2', 'plain.qcow2', '16M');
  qemuImg('create', '-q', '-f', 'vmdk', 'sparse.vmdk', '16M');
  qemuImg('create', '-q', '-f', 'vdi', 'plain.vdi', '16M');
  // An ISO 9660 image: a primary volume descriptor at 32 KiB (qemu reads it as raw).
  const iso = Buffer.alloc(64 * 1024);
  iso.write('\x01CD001\x01', 32 * 1024, 'latin1');
  const qcow2 = fs.readFileSync(file('plain.qcow2'));
  const cases: [string, string, Buffer, RegExp][] = [
    ['iso-as-qcow2', 'qcow2', iso, /Image is not a valid qcow2: the data is a raw image/],
    ['qcow2-as-iso', 'iso', qcow2, /Image is not a valid iso: the data is a qcow2 image/],
    ['qcow2-as-vmdk', 'vmdk', qcow2, /Image is not a valid vmdk: the data is a qcow2 image/],
    ['qcow2-as-kernel', 'aki', qcow2, /Image is not a valid aki: the data is a qcow2 image/],
    ['vmdk-as-qcow2', 'qcow2', fs.readFileSync(file('sparse.vmdk')), /Image is not a valid qcow2: the data is a vmdk image/],
    ['vdi-as-raw', 'raw', fs.readFileSync(file('plain.vdi')), /Image is not a valid raw: the data is a vdi image/],
    ['raw-as-vdi', 'vdi', Buffer.alloc(1 << 20), /Image is not a valid vdi: the data is a raw image/],
  ];
  for (const [name, claimed, bytes, why] of cases) await refusedUpload(name, claimed, bytes, why);
});

test('a qcow2 of 1 PiB virtual size is kept by glance but refused at create for every flavor (FlavorDiskSmallerThanImage), and a 0 GB root disk is not a way round', async () => {
  qemuImg('create', '-q', '-f', 'qcow2', '-o', 'cluster_size=2M', 'huge.qcow2', '1P');
  const id = await newImage({
    name: 'huge',
    disk_format: 'qcow2',
    kernel_id: labImages['novalab-x86_64']!.kernel_id,
    ramdisk_id: labImages['novalab-x86_64']!.ramdisk_id,
  });
  hostile.push(id);
  assert.equal((await glance('PUT', `/v2/images/${id}/file`, { token: demo, raw: fs.readFileSync(file('huge.qcow2')) })).status, 204);
  assert.equal((await glance('GET', `/v2/images/${id}`, { token: demo })).json.virtual_size, PiB);
  const flavors = (await nova('GET', '/flavors/detail')).json.flavors as { id: string; disk: number }[];
  assert.ok(flavors.length >= 5);
  for (const f of flavors) {
    const r = await nova('POST', '/servers', {
      body: { server: { name: `huge-${f.id}`, imageRef: id, flavorRef: f.id, networks: 'none' } },
    });
    assert.deepEqual(
      r.json,
      {
        badRequest: {
          code: 400,
          message: `Flavor's disk is too small for requested image. Flavor disk is ${f.disk * GiB} bytes, image is ${PiB} bytes.`,
        },
      },
      `flavor ${f.id}`,
    );
  }
  // A 0 GB root disk would take the image's size: Nova reserves such flavors to admins.
  const zero = await nova('POST', '/flavors', {
    token: admin,
    body: { flavor: { name: 'zero-disk', id: 'zero-disk', ram: 256, vcpus: 1, disk: 0 } },
  });
  assert.equal(zero.status, 200, zero.text);
  const r = await nova('POST', '/servers', {
    body: { server: { name: 'huge-zero', imageRef: id, flavorRef: 'zero-disk', networks: 'none' } },
  });
  assert.deepEqual(r.json, { forbidden: { code: 403, message: 'Only volume-backed servers are allowed for flavors with zero disk.' } });
  assert.equal((await nova('DELETE', '/flavors/zero-disk', { token: admin })).status, 202);
});

test("an image naming another project's private kernel or ramdisk is refused at create; the kernel is never fetched", async () => {
  const kernel = await newImage(
    { name: 'admin-private-kernel', disk_format: 'aki', container_format: 'aki', visibility: 'private' },
    admin,
  );
  const ramdisk = await newImage(
    { name: 'admin-private-ramdisk', disk_format: 'ari', container_format: 'ari', visibility: 'private' },
    admin,
  );
  for (const id of [kernel, ramdisk]) {
    assert.equal(
      (await glance('PUT', `/v2/images/${id}/file`, { token: admin, raw: Buffer.from('private bytes of the admin project\n') })).status,
      204,
    );
  }
  hostile.push(kernel, ramdisk);
  assert.equal((await glance('GET', `/v2/images/${kernel}`, { token: demo })).status, 404, 'demo cannot see it');
  const lab = labImages['novalab-x86_64']!;
  for (const [name, refs] of [
    ['borrows-kernel', { kernel_id: kernel, ramdisk_id: lab.ramdisk_id }],
    ['borrows-ramdisk', { kernel_id: lab.kernel_id, ramdisk_id: ramdisk }],
  ] as const) {
    const id = await newImage({ name, disk_format: 'raw', visibility: 'private', ...refs });
    hostile.push(id);
    assert.equal((await glance('PUT', `/v2/images/${id}/file`, { token: demo, raw: Buffer.alloc(1 << 20) })).status, 204);
    const r = await nova('POST', '/servers', { body: { server: { name, imageRef: id, flavorRef: '1', networks: 'none' } } });
    assert.deepEqual(r.json, { badRequest: { code: 400, message: 'Can not find requested image' } }, name);
  }
});

test('none of the hostile images reached a host: no server, no instance directory, no cached copy, no QEMU process', async () => {
  sampleQemu();
  assert.deepEqual([...qemuSeen.values()], [], 'no QEMU was started');
  for (const token of [demo, admin]) assert.deepEqual((await nova('GET', '/servers', { token })).json.servers, []);
  assert.deepEqual(hostDirs('instances'), []);
  const cached = hostDirs('image-cache');
  assert.deepEqual(
    hostile.filter((id) => cached.some((f) => f.startsWith(id))),
    [],
  );
});

test("a raw image (a whole copy of the lab's x86_64 disk) boots to ACTIVE with the real QEMU driver and prints its banner", async () => {
  const base = labImages['novalab-x86_64']!;
  const source = path.join(lab.stateDir, 'images', String(base.id));
  qemuImg('convert', '-f', 'qcow2', '-O', 'raw', source, 'guest.raw');
  const id = await newImage({
    name: 'guest-raw',
    disk_format: 'raw',
    visibility: 'private',
    kernel_id: base.kernel_id,
    ramdisk_id: base.ramdisk_id,
    os_command_line: base.os_command_line,
    architecture: 'x86_64',
    hypervisor_type: 'qemu',
  });
  assert.equal((await glance('PUT', `/v2/images/${id}/file`, { token: demo, raw: fs.readFileSync(file('guest.raw')) })).status, 204);
  const r = await nova('POST', '/servers', { body: { server: { name: 'raw-vm', imageRef: id, flavorRef: '1', networks: 'none' } } });
  assert.equal(r.status, 202, r.text);
  const uuid = r.json.server.id as string;
  const server = await eventually(
    'raw-vm to leave BUILD',
    async () => {
      const s = (await nova('GET', `/servers/${uuid}`)).json.server;
      return s.status === 'BUILD' ? null : s;
    },
    300_000,
    500,
  );
  assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
  const banner = await eventually(
    'the login banner',
    async () => {
      const out = (await nova('POST', `/servers/${uuid}/action`, { body: { 'os-getConsoleOutput': {} } })).json?.output as
        string | undefined;
      return out?.includes('novalab login:') ? out : null;
    },
    180_000,
    1000,
  );
  assert.ok(banner.includes(`novalab login: raw-vm (${uuid})`), banner.slice(-2000));
  // The instance disk is a qcow2 overlay on the raw base, read as raw.
  const disk = path.join(
    lab.stateDir,
    'hosts',
    String((await nova('GET', `/servers/${uuid}`, { token: admin })).json.server['OS-EXT-SRV-ATTR:host']),
    'instances',
    uuid,
    'disk.qcow2',
  );
  const info = JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', disk], { encoding: 'utf8' })) as Record<string, unknown>;
  assert.deepEqual([info.format, info['backing-filename-format']], ['qcow2', 'raw']);
  assert.equal((await nova('DELETE', `/servers/${uuid}`)).status, 204);
  await eventually('raw-vm gone', async () => (await nova('GET', `/servers/${uuid}`)).status === 404, 60_000, 500);
});
