// nova-api keeps the server lists it rendered (the bytes it sent) and answers the same request
// with them while no instance record changed. What a client relies on: a list taken right after
// any change — made by the API itself, or by nova-compute behind it — shows the change, and a
// list kept for one caller is never the answer to another project or a user who may see less.
// Two compute API workers, each with its own copy; every list goes on a new connection, so the
// lists below are answered by both workers in turn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { labImageId } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;
let imageId: string;

interface Res {
  status: number;
  body: any;
  text: string;
  contentType: string | undefined;
}

/** One request on a connection of its own (the master hands each connection to the next worker). */
function nova(method: string, p: string, opts: { token?: string; version?: string; body?: unknown } = {}): Promise<Res> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      lab.url('osapi_compute', `/v2.1${p}`),
      {
        method,
        agent: false,
        headers: {
          'X-Auth-Token': opts.token ?? admin,
          'OpenStack-API-Version': `compute ${opts.version ?? '2.79'}`,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null, text, contentType: res.headers['content-type'] });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Listed {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-SRV-ATTR:host'?: string;
  tenant_id: string;
}

/** Four lists in a row (both workers, twice each): every one must satisfy `check`. */
async function everyList(what: string, p: string, token: string, check: (servers: Listed[]) => void): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const r = await nova('GET', p, { token });
    assert.equal(r.status, 200, r.text);
    try {
      check(r.body.servers as Listed[]);
    } catch (err) {
      throw new Error(`${what} (list ${i + 1} of 4): ${(err as Error).message}`, { cause: err });
    }
  }
}

const byId = (servers: Listed[], id: string) => servers.find((s) => s.id === id);

async function boot(name: string, token: string): Promise<string> {
  const r = await nova('POST', '/servers', { token, body: { server: { name, imageRef: imageId, flavorRef: '1', networks: 'none' } } });
  assert.equal(r.status, 202, r.text);
  return r.body.server.id as string;
}

const until = (id: string, token: string, ok: (s: Listed | null, status: number) => boolean, what: string) =>
  eventually(
    `server ${id} ${what}`,
    async () => {
      const r = await nova('GET', `/servers/${id}`, { token });
      return ok(r.status === 200 ? (r.body.server as Listed) : null, r.status);
    },
    60_000,
    50,
  );

before(async () => {
  lab = await startLab({
    novaConf: '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
  imageId = await labImageId(lab, admin);
});
after(async () => {
  await lab?.stop();
});

test('a list taken right after a create, rename, state change or delete shows it, on every worker', async () => {
  const detail = '/servers/detail?limit=1000';
  const first = await boot('cache-a', demo);
  await until(first, demo, (s) => s?.status === 'ACTIVE', 'ACTIVE');
  await everyList('before any change', detail, demo, (l) => assert.equal(byId(l, first)?.status, 'ACTIVE'));

  // Created: the POST's answer is enough, the record exists before it.
  const second = await boot('cache-b', demo);
  await everyList('after the create', detail, demo, (l) => assert.equal(byId(l, second)?.name, 'cache-b'));

  // Renamed by the API.
  const put = await nova('PUT', `/servers/${first}`, { token: demo, body: { server: { name: 'cache-a-renamed' } } });
  assert.equal(put.status, 200, put.text);
  await everyList('after the rename', detail, demo, (l) => assert.equal(byId(l, first)?.name, 'cache-a-renamed'));
  await everyList('the short list, after the rename', '/servers', demo, (l) => assert.equal(byId(l, first)?.name, 'cache-a-renamed'));

  // State changed by nova-compute, not by the API: once GET /servers/{id} says SHUTOFF, so does every list.
  await everyList('before the stop', detail, demo, (l) => assert.equal(byId(l, first)?.status, 'ACTIVE'));
  const stop = await nova('POST', `/servers/${first}/action`, { token: demo, body: { 'os-stop': null } });
  assert.equal(stop.status, 202, stop.text);
  await until(first, demo, (s) => s?.status === 'SHUTOFF' && s['OS-EXT-STS:task_state'] === null, 'SHUTOFF');
  await everyList('after the stop', detail, demo, (l) => {
    assert.equal(byId(l, first)?.status, 'SHUTOFF');
    assert.equal(byId(l, first)?.['OS-EXT-STS:task_state'], null);
  });
  // A state set by the API (an admin's reset) shows at once in the owner's list.
  const reset = await nova('POST', `/servers/${first}/action`, { body: { 'os-resetState': { state: 'error' } } });
  assert.equal(reset.status, 202, reset.text);
  await everyList('after the reset', detail, demo, (l) => assert.equal(byId(l, first)?.status, 'ERROR'));

  // Deleted by nova-compute: once GET /servers/{id} is a 404, the server is in no list.
  await until(second, demo, (s) => s?.status === 'ACTIVE', 'ACTIVE');
  await everyList('before the delete', detail, demo, (l) => assert.ok(byId(l, second)));
  const del = await nova('DELETE', `/servers/${second}`, { token: demo });
  assert.equal(del.status, 204, del.text);
  await until(second, demo, (_s, status) => status === 404, 'deleted');
  await everyList('after the delete', detail, demo, (l) => assert.equal(byId(l, second), undefined));
});

test("one project's list never answers another's, nor an admin's view a member's", async () => {
  const detail = '/servers/detail?limit=1000';
  const mine = await boot('cache-demo', demo);
  const theirs = await boot('cache-admin', admin);
  await until(mine, demo, (s) => s?.status === 'ACTIVE', 'ACTIVE');
  await until(theirs, admin, (s) => s?.status === 'ACTIVE', 'ACTIVE');
  const demoProject = (await nova('GET', `/servers/${mine}`, { token: demo })).body.server.tenant_id as string;

  for (let round = 0; round < 2; round++) {
    // The same request from each project: each sees its own servers only.
    await everyList("demo's list", detail, demo, (l) => {
      assert.ok(byId(l, mine));
      assert.equal(byId(l, theirs), undefined);
      for (const s of l) assert.equal(s.tenant_id, demoProject);
    });
    await everyList("admin's list", detail, admin, (l) => {
      assert.ok(byId(l, theirs));
      assert.equal(byId(l, mine), undefined);
    });
    // The admin lists demo's project (the same instances as demo's own list) with the admin view…
    await everyList("admin's view of demo's project", `${detail}&all_tenants=1&project_id=${demoProject}`, admin, (l) => {
      assert.ok(byId(l, mine));
      assert.equal(typeof byId(l, mine)?.['OS-EXT-SRV-ATTR:host'], 'string');
    });
    // …and demo, a member, still gets the member's view, without the host.
    await everyList("demo's list after the admin's", detail, demo, (l) => {
      assert.ok(byId(l, mine));
      for (const s of l) assert.ok(!('OS-EXT-SRV-ATTR:host' in s), JSON.stringify(s));
    });
  }
  // A member may not list every project, however often the admin did.
  assert.equal((await nova('GET', `${detail}&all_tenants=1`, { token: demo })).status, 403);

  // The kept bytes are sent as any other JSON answer is.
  const list = await nova('GET', detail, { token: demo });
  const flavors = await nova('GET', '/flavors', { token: demo });
  assert.equal(list.contentType, flavors.contentType);
  assert.equal(list.contentType, 'application/json; charset=utf-8');
});
