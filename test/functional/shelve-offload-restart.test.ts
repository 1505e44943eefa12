// shelved_offload_time > 0 survives a nova-compute restart, as Nova's periodic
// _poll_shelved_instances does: a server shelved just before its nova-compute restarts is
// still offloaded once the time has passed (fake driver; the restart is the lab's own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, labToken, startLab, type LabHandle } from '../../harness/lab-process.js';
import { runningService, serviceProcesses } from '../../harness/lab-services.js';
import { labImageId, novaRequest } from '../../harness/nova-http.js';

const OFFLOAD_S = 8;
let lab: LabHandle;
let admin: string;

before(async () => {
  lab = await startLab({
    novaConf: `[DEFAULT]\ncompute_driver = fake\nshelved_offload_time = ${OFFLOAD_S}\nosapi_compute_workers = 1\nmetadata_workers = 1\nec2_workers = 1\n`,
  });
  admin = await labToken(lab);
});
after(async () => {
  await lab?.stop();
});

const server = async (id: string) => (await novaRequest(lab, admin, 'GET', `/servers/${id}`)).body.server;

test('a shelved server is offloaded after shelved_offload_time even when its nova-compute restarted meanwhile', async () => {
  const r = await novaRequest(lab, admin, 'POST', '/servers', {
    body: { server: { name: 'offload-later', imageRef: await labImageId(lab, admin), flavorRef: '1', networks: 'none' } },
    version: '2.37',
  });
  const id = r.body.server.id as string;
  const host = String(
    (await eventually('ACTIVE', async () => ((await server(id)).status === 'ACTIVE' ? server(id) : null), 60_000))['OS-EXT-SRV-ATTR:host'],
  );

  assert.equal((await novaRequest(lab, admin, 'POST', `/servers/${id}/action`, { body: { shelve: null } })).status, 202);
  await eventually(
    'SHELVED on its host',
    async () => {
      const s = await server(id);
      return s.status === 'SHELVED' && s['OS-EXT-STS:task_state'] === null ? s : null;
    },
    60_000,
  );

  // Restart its nova-compute before the offload is due: the shelve's timer dies with the process.
  const was = (await serviceProcesses(lab)).find((p) => p.binary === 'nova-compute' && p.host === host)!;
  const res = await fetch(lab.url('gui', `/lab/api/services/nova-compute/restart?host=${host}`), {
    method: 'POST',
    headers: { 'x-auth-token': admin },
  });
  assert.equal(res.status, 200, await res.text());
  await runningService(lab, 'nova-compute', host, was.pid ?? undefined);
  assert.equal((await server(id)).status, 'SHELVED', 'not offloaded before its time');

  const off = await eventually(
    'SHELVED_OFFLOADED',
    async () => {
      const s = await server(id);
      return s.status === 'SHELVED_OFFLOADED' ? s : null;
    },
    // The time left, plus one pass of nova-compute's periodic sweep.
    OFFLOAD_S * 1000 + 45_000,
  );
  assert.equal(off['OS-EXT-SRV-ATTR:host'], null, 'the host is freed');
});
