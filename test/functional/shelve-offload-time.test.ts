// shelved_offload_time = -1 (never offload on its own), fake driver: a shelved server keeps
// its host (SHELVED), unshelve powers it on there; shelveOffload (admin) frees the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { faultOf, labImageId, novaRequest } from '../../harness/nova-http.js';

let lab: LabHandle;
let admin: string;
let demo: string;

const settle = (id: string, want: string) =>
  eventually(
    `server ${id} ${want}`,
    async () => {
      const s = (await novaRequest(lab, admin, 'GET', `/servers/${id}`)).body?.server;
      return s && s.status === want && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    60_000,
    100,
  );
const act = (id: string, body: unknown, token = demo) => novaRequest(lab, token, 'POST', `/servers/${id}/action`, { body });

before(async () => {
  lab = await startLab({
    novaConf:
      '[DEFAULT]\ncompute_driver = fake\nshelved_offload_time = -1\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n',
  });
  [admin, demo] = await Promise.all([labToken(lab), labToken(lab, 'demo', 'demo', 'demo')]);
});
after(async () => {
  await lab?.stop();
});

test('SHELVED keeps the host; unshelve powers it on there; shelveOffload frees it', async () => {
  const image = await labImageId(lab, demo);
  const r = await novaRequest(lab, demo, 'POST', '/servers', {
    version: '2.37',
    body: { server: { name: 'keep-host', imageRef: image, flavorRef: '1', networks: 'none' } },
  });
  const id = r.body.server.id as string;
  const host = (await settle(id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'];

  assert.equal((await act(id, { shelve: null })).status, 202);
  const shelved = await settle(id, 'SHELVED');
  assert.equal(shelved['OS-EXT-SRV-ATTR:host'], host, 'not offloaded: the host is kept');
  assert.equal(shelved['OS-EXT-STS:power_state'], 4);

  assert.equal((await act(id, { unshelve: null })).status, 202);
  const back = await settle(id, 'ACTIVE');
  assert.equal(back['OS-EXT-SRV-ATTR:host'], host);
  assert.equal(back['OS-EXT-STS:power_state'], 1);

  assert.equal((await act(id, { shelve: null })).status, 202);
  await settle(id, 'SHELVED');
  const notAdmin = await act(id, { shelveOffload: null });
  assert.equal(notAdmin.status, 403);
  const offload = await act(id, { shelveOffload: null }, admin);
  assert.equal(offload.status, 202, JSON.stringify(offload.body));
  const off = await settle(id, 'SHELVED_OFFLOADED');
  assert.equal(off['OS-EXT-SRV-ATTR:host'], null);
  const twice = await act(id, { shelveOffload: null }, admin);
  assert.equal(twice.status, 409);
  assert.match(faultOf(twice).message, /while it is in vm_state shelved_offloaded/);
  const az = await novaRequest(lab, demo, 'POST', `/servers/${id}/action`, {
    version: '2.77',
    body: { unshelve: { availability_zone: 'nova' } },
  });
  assert.equal(az.status, 202, JSON.stringify(az.body));
  await settle(id, 'ACTIVE');
});
