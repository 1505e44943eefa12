// The image service as the launcher runs it: the real keystone and glance-api processes
// (forked from dist/) sharing a temporary state directory, an in-process bus broker — and the
// real `openstack` CLI against them, plus the HTTP cases the CLI cannot send (hostile images).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../../harness/lab-process.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Broker } from '../../backend/bus/broker.js';
import { statePaths } from '../../backend/config/state-dir.js';
import type { LabEvent } from '../../contract/events.js';

const KEYSTONE_MAIN = fileURLToPath(new URL('../../backend/identity/main.js', import.meta.url));
const GLANCE_MAIN = fileURLToPath(new URL('../../backend/image/main.js', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../../resources/images/manifest.json', import.meta.url));
const run = promisify(execFile);

let broker: Broker;
let stateDir: string;
let work: string;
let keystonePort: number;
let glancePort: number;
let busPort: number;
const children: { name: string; child: ChildProcess; output: () => string }[] = [];
const events: LabEvent[] = [];
let adminToken: string;
let demoToken: string;

async function startService(name: string, main: string, busPort: number): Promise<void> {
  const child = fork(main, [], {
    env: { ...process.env, NOVALAB_STATE_DIR: stateDir, NOVALAB_BUS_PORT: String(busPort), NOVALAB_BUS_SECRET: broker.secret },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    output += b.toString();
  });
  children.push({ name, child, output: () => output });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready:\n${output}`)), 30_000);
    child.on('message', (m: { type?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${output}`));
    });
  });
}

async function login(user: string, password: string, project: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${keystonePort}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: 'Default' } } } },
        scope: { project: { name: project, domain: { name: 'Default' } } },
      },
    }),
  });
  assert.equal(res.status, 201, await res.text());
  return res.headers.get('x-subject-token')!;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}
async function glance(
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; raw?: BodyInit; type?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? adminToken : opts.token;
  if (token) headers['X-Auth-Token'] = token;
  if (opts.body !== undefined || opts.raw !== undefined)
    headers['Content-Type'] = opts.type ?? (opts.raw !== undefined ? 'application/octet-stream' : 'application/json');
  const res = await fetch(`http://127.0.0.1:${glancePort}${p}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* plain-text errors */
  }
  return { status: res.status, headers: res.headers, text, json };
}

function cliEnv(user = 'admin', password = 'novalab', project = 'admin'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: work,
    LANG: 'C.UTF-8',
    OS_AUTH_URL: `http://127.0.0.1:${keystonePort}/v3`,
    OS_USERNAME: user,
    OS_PASSWORD: password,
    OS_PROJECT_NAME: project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'public',
  };
}
async function openstack(args: string[]): Promise<any> {
  const { stdout } = await run('openstack', [...args, '-f', 'json'], { env: cliEnv(), timeout: 60_000 });
  return JSON.parse(stdout);
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const file = (name: string) => path.join(work, name);
const dataFiles = () => fs.readdirSync(statePaths(stateDir).images).filter((f) => !f.startsWith('.'));
const incoming = () => fs.readdirSync(path.join(statePaths(stateDir).images, '.incoming'));

async function createImage(body: Record<string, unknown>, token = adminToken): Promise<string> {
  const r = await glance('POST', '/v2/images', { body, token });
  assert.equal(r.status, 201, r.text);
  return r.json.id as string;
}

before(async () => {
  assert.ok(fs.existsSync(KEYSTONE_MAIN), 'identity is not built (dist/backend/identity/main.js)');
  broker = new Broker();
  busPort = await broker.listen();
  broker.onEvent((e) => events.push(e));
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-glance-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-glance-files-'));
  keystonePort = await freePort();
  glancePort = await freePort();
  fs.writeFileSync(path.join(stateDir, 'nova.conf'), `[novalab]\nkeystone_port = ${keystonePort}\nglance_port = ${glancePort}\n`);
  await startService('keystone', KEYSTONE_MAIN, busPort);
  await startService('glance-api', GLANCE_MAIN, busPort);
  adminToken = await login('admin', 'novalab', 'admin');
  demoToken = await login('demo', 'demo', 'demo');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', file('img1.qcow2'), '16M']);
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', '/etc/passwd', '-F', 'raw', file('evil.qcow2')]);
  fs.writeFileSync(file('notes.txt'), 'this is a text file, not a disk image\n');
});

after(async () => {
  for (const { child } of children.reverse()) {
    if (child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
  }
  broker?.close();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('version discovery answers 300 at the root and 200 at /versions, with a request id', async () => {
  const root = await glance('GET', '/', { token: null });
  assert.equal(root.status, 300);
  assert.equal(root.json.versions[0].id, 'v2.16');
  assert.match(root.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
  assert.equal((await glance('GET', '/versions', { token: null })).status, 200);
});

test('no token, or a bad one, is 401', async () => {
  assert.equal((await glance('GET', '/v2/images', { token: null })).status, 401);
  const bad = await glance('GET', '/v2/images', { token: 'not-a-token' });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate') ?? '', /^Keystone uri=/);
});

test('openstack image create / list / show / delete work through the real CLI', async () => {
  const bytes = fs.readFileSync(file('img1.qcow2'));
  const created = await openstack([
    'image',
    'create',
    '--file',
    file('img1.qcow2'),
    '--disk-format',
    'qcow2',
    '--property',
    'architecture=aarch64',
    'img1',
  ]);
  assert.equal(created.name, 'img1');
  const listed = await openstack(['image', 'list']);
  assert.ok(
    listed.some((i: { Name: string }) => i.Name === 'img1'),
    JSON.stringify(listed),
  );
  const shown = await openstack(['image', 'show', 'img1']);
  assert.equal(shown.status, 'active');
  assert.equal(shown.checksum, md5(bytes));
  assert.equal(shown.size, bytes.length);
  assert.equal(shown.virtual_size, 16 * 1024 * 1024);
  assert.equal(shown.disk_format, 'qcow2');
  assert.equal(shown.container_format, 'bare');
  assert.equal(shown.visibility, 'shared');
  assert.equal(shown.properties.architecture, 'aarch64');
  assert.equal(shown.properties.os_hash_algo ?? 'sha512', 'sha512');
  assert.ok(dataFiles().includes(shown.id));
  await run('openstack', ['image', 'set', '--tag', 'lab', '--property', 'hw_disk_bus=virtio', '--min-ram', '64', 'img1'], {
    env: cliEnv(),
  });
  const set = await glance('GET', `/v2/images/${shown.id}`);
  assert.deepEqual([set.json.tags, set.json.hw_disk_bus, set.json.min_ram], [['lab'], 'virtio', 64]);
  await run('openstack', ['image', 'delete', 'img1'], { env: cliEnv() });
  assert.equal((await glance('GET', `/v2/images/${shown.id}`)).status, 404);
  assert.ok(!dataFiles().includes(shown.id), 'the image file is removed with the image');
});

test('an upload from stdin (chunked, no Content-Length) works and reports progress on the bus', async () => {
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
  fs.writeFileSync(file('disk.raw'), bytes);
  const child = spawn('openstack', ['image', 'create', '--disk-format', 'raw', 'from-stdin', '-f', 'json'], {
    env: cliEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  child.stdin.end(bytes);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  const id = JSON.parse(out).id as string;
  const shown = await glance('GET', `/v2/images/${id}`);
  assert.equal(shown.json.status, 'active');
  assert.equal(shown.json.size, bytes.length);
  assert.equal(shown.json.virtual_size, bytes.length);
  assert.equal(shown.json.checksum, md5(bytes));
  assert.equal(shown.json.os_hash_value, createHash('sha512').update(bytes).digest('hex'));
  const progress = events.filter((e) => e.kind === 'progress' && (e.detail as { image_id?: string })?.image_id === id);
  assert.ok(progress.length >= 3, `progress events: ${progress.length}`);
  // By code for the GUI, in English for the logs: the bytes glance has received so far.
  assert.equal(progress[0]!.message?.code, 'progress.imageUpload');
  assert.match(progress[0]!.summary, /^upload of image from-stdin: \d+ bytes received$/);
  assert.equal((progress.at(-1)!.detail as { bytes: number }).bytes, bytes.length);
});

test('a qcow2 whose backing file is /etc/passwd is refused and nothing is stored', async () => {
  const id = await createImage({ name: 'evil', disk_format: 'qcow2', container_format: 'bare' });
  const r = await glance('PUT', `/v2/images/${id}/file`, { raw: fs.readFileSync(file('evil.qcow2')) });
  assert.equal(r.status, 400);
  assert.match(r.text, /^400 Bad Request\n\nImage is not a valid qcow2: .*backing file/);
  const after = await glance('GET', `/v2/images/${id}`);
  assert.equal(after.json.status, 'queued');
  assert.equal(after.json.size, null);
  assert.equal(after.json.checksum, null);
  assert.ok(!dataFiles().includes(id));
  assert.deepEqual(incoming(), []);
  const listed = await glance('GET', '/v2/images?status=active');
  assert.ok(!listed.json.images.some((i: { id: string }) => i.id === id));
});

test('a text file claimed as qcow2, and a qcow2 claimed as raw, are refused', async () => {
  const a = await createImage({ name: 'text', disk_format: 'qcow2', container_format: 'bare' });
  const ra = await glance('PUT', `/v2/images/${a}/file`, { raw: fs.readFileSync(file('notes.txt')) });
  assert.equal(ra.status, 400);
  assert.match(ra.text, /Image is not a valid qcow2: the data is a raw image/);
  const b = await createImage({ name: 'disguised', disk_format: 'raw', container_format: 'bare' });
  const rb = await glance('PUT', `/v2/images/${b}/file`, { raw: fs.readFileSync(file('img1.qcow2')) });
  assert.equal(rb.status, 400);
  assert.match(rb.text, /Image is not a valid raw: the data is a qcow2 image/);
  assert.ok(!dataFiles().includes(a) && !dataFiles().includes(b));
  // Refused data leaves the image queued: the right file can still be uploaded.
  const retry = await glance('PUT', `/v2/images/${a}/file`, { raw: fs.readFileSync(file('img1.qcow2')) });
  assert.equal(retry.status, 204, retry.text);
});

test('a second upload while one is running is 409; a client that breaks off leaves the image killed', async () => {
  const id = await createImage({ name: 'broken-off', disk_format: 'raw', container_format: 'bare' });
  const socket = net.connect(glancePort, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `PUT /v2/images/${id}/file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${adminToken}\r\n` +
      'Content-Type: application/octet-stream\r\nContent-Length: 4000000\r\n\r\n',
  );
  socket.write(Buffer.alloc(1_500_000, 1));
  const statusOf = async () => (await glance('GET', `/v2/images/${id}`)).json.status as string;
  for (let i = 0; i < 100 && (await statusOf()) !== 'saving'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await statusOf(), 'saving');
  assert.equal((await glance('PUT', `/v2/images/${id}/file`, { raw: Buffer.from('x') })).status, 409);
  socket.destroy();
  for (let i = 0; i < 100 && (await statusOf()) === 'saving'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await statusOf(), 'killed');
  assert.ok(!dataFiles().includes(id));
  assert.deepEqual(incoming(), []);
});

test('download returns the same bytes with Content-MD5 and Content-Length', async () => {
  const bytes = fs.readFileSync(file('img1.qcow2'));
  const id = await createImage({ name: 'dl', disk_format: 'qcow2', container_format: 'bare' });
  assert.equal((await glance('GET', `/v2/images/${id}/file`)).status, 204, 'no data yet');
  assert.equal((await glance('PUT', `/v2/images/${id}/file`, { raw: bytes })).status, 204);
  const res = await fetch(`http://127.0.0.1:${glancePort}/v2/images/${id}/file`, { headers: { 'X-Auth-Token': adminToken } });
  assert.equal(res.status, 200);
  const got = Buffer.from(await res.arrayBuffer());
  assert.ok(got.equals(bytes));
  assert.equal(res.headers.get('content-md5'), md5(bytes));
  assert.equal(res.headers.get('content-length'), String(bytes.length));
  const again = await glance('PUT', `/v2/images/${id}/file`, { raw: bytes });
  assert.equal(again.status, 409, 'data can be uploaded only once');
});

test("a demo-project token cannot see admin's private image, but sees public ones", async () => {
  const priv = await createImage({ name: 'admin-private', visibility: 'private', disk_format: 'raw', container_format: 'bare' });
  const pub = await createImage({ name: 'admin-public', visibility: 'public', disk_format: 'raw', container_format: 'bare' });
  const show = await glance('GET', `/v2/images/${priv}`, { token: demoToken });
  assert.equal(show.status, 404);
  assert.equal(show.text, `404 Not Found\n\nNo image found with ID ${priv}`);
  const listed = (await glance('GET', '/v2/images?limit=1000', { token: demoToken })).json.images.map((i: { id: string }) => i.id);
  assert.ok(!listed.includes(priv));
  assert.ok(listed.includes(pub));
  assert.equal((await glance('DELETE', `/v2/images/${pub}`, { token: demoToken })).status, 403);
  assert.equal((await glance('DELETE', `/v2/images/${priv}`, { token: demoToken })).status, 404);
  const mine = await glance('POST', '/v2/images', { token: demoToken, body: { name: 'demo-wants-public', visibility: 'public' } });
  assert.equal(mine.status, 403);
});

test('names are not ids: GET by name is 404, and ?name= finds it', async () => {
  await createImage({ name: 'by-name' });
  assert.equal((await glance('GET', '/v2/images/by-name')).status, 404);
  const found = await glance('GET', '/v2/images?name=by-name');
  assert.equal(found.json.images.length, 1);
  assert.equal(found.json.next, undefined);
});

test('create: custom properties come back flattened; ids may be given once; read-only attributes are 403', async () => {
  const id = '0f0e0d0c-0b0a-4909-8807-060504030201';
  const r = await glance('POST', '/v2/images', { body: { id, name: 'props', hw_disk_bus: 'virtio', 'owner_specified.openstack.md5': '' } });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/v2/images/${id}`);
  assert.equal(r.json.hw_disk_bus, 'virtio');
  assert.equal(r.json['owner_specified.openstack.md5'], '');
  assert.equal((await glance('POST', '/v2/images', { body: { id, name: 'again' } })).status, 409);
  const ro = await glance('POST', '/v2/images', { body: { name: 'x', status: 'active' } });
  assert.equal(ro.status, 403);
  assert.match(ro.text, /Attribute 'status' is read-only/);
});

test('PATCH applies a JSON patch; protected images cannot be deleted', async () => {
  const id = await createImage({ name: 'patchme', architecture: 'x86_64' });
  const r = await glance('PATCH', `/v2/images/${id}`, {
    type: 'application/openstack-images-v2.1-json-patch',
    body: [
      { op: 'replace', path: '/name', value: 'patched' },
      { op: 'add', path: '/hypervisor_type', value: 'qemu' },
      { op: 'remove', path: '/architecture' },
      { op: 'replace', path: '/protected', value: true },
    ],
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'patched');
  assert.equal(r.json.hypervisor_type, 'qemu');
  assert.equal(r.json.architecture, undefined);
  assert.equal((await glance('PATCH', `/v2/images/${id}`, { body: [] })).status, 415, 'plain JSON is not a patch');
  assert.equal((await glance('PUT', `/v2/images/${id}/tags/blue`)).status, 204);
  assert.deepEqual((await glance('GET', `/v2/images/${id}`)).json.tags, ['blue']);
  assert.equal((await glance('DELETE', `/v2/images/${id}/tags/blue`)).status, 204);
  assert.equal((await glance('DELETE', `/v2/images/${id}/tags/blue`)).status, 404);
  const del = await glance('DELETE', `/v2/images/${id}`);
  assert.equal(del.status, 403);
  assert.match(del.text, /protected/);
});

test('upload needs disk and container formats; JSON bodies over 64 KiB are 413', async () => {
  const id = await createImage({ name: 'noformat' });
  const r = await glance('PUT', `/v2/images/${id}/file`, { raw: Buffer.from('x') });
  assert.equal(r.status, 400);
  assert.match(r.text, /disk_format, container_format must be set/);
  const big = await glance('POST', '/v2/images', { body: { name: 'big', description: 'x'.repeat(70 * 1024) } });
  assert.equal(big.status, 413);
  assert.equal((await glance('POST', '/v2/images', { raw: '{"name":', type: 'application/json' })).status, 400);
});

test(
  'lab images from resources/images are registered: kernel, ramdisk, bootable qcow2',
  { skip: !fs.existsSync(MANIFEST) && 'no lab images built' },
  async () => {
    const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as { images: { name: string; architecture: string }[] };
    const all = (await glance('GET', '/v2/images?limit=1000', { token: demoToken })).json.images as Record<string, any>[];
    for (const entry of manifest.images) {
      const disk = all.find((i) => i.name === entry.name);
      assert.ok(disk, `${entry.name} is registered`);
      assert.deepEqual(
        [disk.status, disk.visibility, disk.disk_format, disk.architecture, disk.hypervisor_type],
        ['active', 'public', 'qcow2', entry.architecture, 'qemu'],
      );
      const kernel = all.find((i) => i.id === disk.kernel_id);
      const ramdisk = all.find((i) => i.id === disk.ramdisk_id);
      assert.equal(kernel?.name, `${entry.name}-kernel`);
      assert.equal(kernel?.disk_format, 'aki');
      assert.equal(ramdisk?.disk_format, 'ari');
      assert.ok(disk.os_command_line);
    }
  },
);

async function projectId(name: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${keystonePort}/v3/projects?name=${name}`, { headers: { 'X-Auth-Token': adminToken } });
  return ((await res.json()) as { projects: { id: string }[] }).projects[0]!.id;
}
async function cli(args: string[], who: 'admin' | 'demo' = 'admin'): Promise<any> {
  const env = who === 'admin' ? cliEnv() : cliEnv('demo', 'demo', 'demo');
  const { stdout } = await run('openstack', args, { env, timeout: 60_000 });
  return stdout.trim() ? JSON.parse(stdout) : null;
}
const demoSees = async (id: string) =>
  ((await glance('GET', '/v2/images?limit=1000', { token: demoToken })).json.images as { id: string }[]).some((i) => i.id === id);
const sharing = { image: '', bytes: Buffer.alloc(0), namespace: 'OS::Lab::Functional' };

test('sharing through the real CLI: image add project, demo accepts with image set --accept, then downloads it', async () => {
  sharing.bytes = Buffer.alloc(64 * 1024, 3);
  fs.writeFileSync(file('shared.raw'), sharing.bytes);
  const created = await cli([
    'image',
    'create',
    '--file',
    file('shared.raw'),
    '--disk-format',
    'raw',
    '--shared',
    'shared-img',
    '-f',
    'json',
  ]);
  sharing.image = created.id;
  const demo = await projectId('demo');
  const added = await cli(['image', 'add', 'project', 'shared-img', demo, '-f', 'json']);
  assert.deepEqual([added.member_id, added.status], [demo, 'pending']);
  // Offered but not accepted: demo may look at it, its default list does not show it.
  assert.equal((await glance('GET', `/v2/images/${sharing.image}`, { token: demoToken })).status, 200);
  assert.equal(await demoSees(sharing.image), false);
  const pending = await cli(['image', 'list', '--shared', '--member-status', 'pending', '-f', 'json'], 'demo');
  assert.deepEqual(
    pending.map((i: { ID: string }) => i.ID),
    [sharing.image],
  );
  // A member cannot share the image on (the owner adds members; a non-admin owner cannot
  // answer for a member either: members.test.ts).
  assert.equal((await glance('POST', `/v2/images/${sharing.image}/members`, { token: demoToken, body: { member: 'x' } })).status, 403);

  await cli(['image', 'set', '--accept', sharing.image], 'demo');
  assert.equal(await demoSees(sharing.image), true);
  const members = await cli(['image', 'member', 'list', 'shared-img', '-f', 'json']);
  assert.deepEqual(
    members.map((m: { 'Member ID': string; Status: string }) => [m['Member ID'], m.Status]),
    [[demo, 'accepted']],
  );
  await run('openstack', ['image', 'save', '--file', file('got.raw'), sharing.image], { env: cliEnv('demo', 'demo', 'demo') });
  assert.ok(fs.readFileSync(file('got.raw')).equals(sharing.bytes));
});

test('a deactivated image refuses downloads to all but admins until it is reactivated', async () => {
  await cli(['image', 'set', '--deactivate', sharing.image]);
  assert.equal((await glance('GET', `/v2/images/${sharing.image}`)).json.status, 'deactivated');
  const refused = await glance('GET', `/v2/images/${sharing.image}/file`, { token: demoToken });
  assert.equal(refused.status, 403);
  assert.match(refused.text, /^403 Forbidden\n\nThe requested image has been deactivated/);
  const asAdmin = await fetch(`http://127.0.0.1:${glancePort}/v2/images/${sharing.image}/file`, {
    headers: { 'X-Auth-Token': adminToken },
  });
  assert.ok(Buffer.from(await asAdmin.arrayBuffer()).equals(sharing.bytes));
  // Only the owner (or an admin) deactivates: demo, a member, is refused.
  assert.equal((await glance('POST', `/v2/images/${sharing.image}/actions/reactivate`, { token: demoToken })).status, 403);
  await cli(['image', 'set', '--activate', sharing.image]);
  assert.equal((await glance('GET', `/v2/images/${sharing.image}/file`, { token: demoToken })).status, 200);
  // A queued image has nothing to deactivate.
  const queued = await createImage({ name: 'empty', disk_format: 'raw', container_format: 'bare' });
  const r = await glance('POST', `/v2/images/${queued}/actions/deactivate`);
  assert.deepEqual([r.status, r.text], [403, "403 Forbidden\n\nNot allowed to deactivate image in status 'queued'"]);
});

test('metadefs over HTTP: admin defines a public namespace, demo reads it and may not change it', async () => {
  const ns = sharing.namespace;
  const created = await glance('POST', '/v2/metadefs/namespaces', {
    body: { namespace: ns, visibility: 'public', resource_type_associations: [{ name: 'OS::Glance::Image', prefix: 'hw_' }] },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.headers.get('location'), `/v2/metadefs/namespaces/${ns}`);
  const prop = await glance('POST', `/v2/metadefs/namespaces/${ns}/properties`, {
    body: { name: 'disk_bus', title: 'Disk bus', type: 'string', enum: ['virtio', 'scsi'] },
  });
  assert.equal(prop.status, 201, prop.text);
  const shown = await glance('GET', `/v2/metadefs/namespaces/${ns}`, { token: demoToken });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.json.properties.disk_bus.enum, ['virtio', 'scsi']);
  assert.equal(shown.json.resource_type_associations[0].prefix, 'hw_');
  const byType = await glance('GET', '/v2/metadefs/namespaces?resource_types=OS::Glance::Image', { token: demoToken });
  assert.ok(byType.json.namespaces.some((n: { namespace: string }) => n.namespace === ns));
  const denied = await glance('DELETE', `/v2/metadefs/namespaces/${ns}/properties/disk_bus`, { token: demoToken });
  assert.deepEqual(
    [denied.status, denied.text],
    [403, '403 Forbidden\n\nYou are not authorized to complete remove_metadef_property action.'],
  );
  const schema = await glance('GET', '/v2/schemas/metadefs/namespace', { token: demoToken });
  assert.deepEqual([schema.json.name, schema.json.required], ['namespace', ['namespace']]);
  const bad = await glance('POST', `/v2/metadefs/namespaces/${ns}/objects`, { body: { name: 'o', colour: 'red' } });
  assert.equal(bad.status, 400);
  assert.equal((await glance('GET', `/v2/metadefs/namespaces/${ns}/objects`)).json.objects.length, 0, 'a refused object is not stored');
});

test('killed and started again, glance-api has every image and its bytes, and registers nothing twice', async () => {
  const bytes = fs.readFileSync(file('img1.qcow2'));
  const id = await createImage({ name: 'survivor', disk_format: 'qcow2', container_format: 'bare' });
  assert.equal((await glance('PUT', `/v2/images/${id}/file`, { raw: bytes })).status, 204);
  const before = (await glance('GET', '/v2/images?limit=1000')).json.images.map((i: { id: string }) => i.id).sort();
  const old = children.find((c) => c.name === 'glance-api')!;
  const gone = new Promise((resolve) => old.child.once('exit', resolve));
  old.child.kill('SIGKILL');
  await gone;
  children.splice(children.indexOf(old), 1);
  await startService('glance-api', GLANCE_MAIN, busPort);
  const afterIds = (await glance('GET', '/v2/images?limit=1000')).json.images.map((i: { id: string }) => i.id).sort();
  assert.deepEqual(afterIds, before);
  const res = await fetch(`http://127.0.0.1:${glancePort}/v2/images/${id}/file`, { headers: { 'X-Auth-Token': adminToken } });
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes));
  if (fs.existsSync(MANIFEST)) assert.match(children.find((c) => c.name === 'glance-api')!.output(), /lab images: registered \[\]/);
});

test('memberships and metadefs outlive the restart above', async () => {
  assert.equal(await demoSees(sharing.image), true, "demo's accepted membership is still there");
  const shown = await glance('GET', `/v2/metadefs/namespaces/${sharing.namespace}/properties/disk_bus`, { token: demoToken });
  assert.equal(shown.json.title, 'Disk bus');
});
