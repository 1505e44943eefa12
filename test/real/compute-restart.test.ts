// Restarting nova-compute is not shutting the lab down: as with Nova, a restarted compute
// service leaves its running guests running and re-adopts them (the same QEMU process, the
// instance still ACTIVE, its console still opening), while `novalab down` stops every guest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, cliEnv, eventually, labToken, type LabHandle } from '../../harness/lab-process.js';
import { runningService, serviceProcesses } from '../../harness/lab-services.js';
import { openWebSocket, rfbHandshake, rfbOverWebSocket } from '../../backend/console/testing/rfb-probe.js';
import { labQemuPids } from '../../harness/qemu-pids.js';

const exec = promisify(execFile);
const NAME = 'vm-restart';
let lab: LabHandle;

async function openstack(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const show = async () => JSON.parse(await openstack('server', 'show', NAME, '-f', 'json')) as Record<string, unknown>;
const qemuPids = () => labQemuPids(lab.stateDir);
const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
  await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', NAME);
});

after(async () => {
  await lab?.stop();
});

test(
  'a restarted nova-compute leaves its running guest running: the same QEMU, ACTIVE, its console opens',
  { timeout: 300_000 },
  async () => {
    const before = await show();
    assert.equal(before.status, 'ACTIVE');
    const host = String(before['OS-EXT-SRV-ATTR:host']);
    const [qemu] = qemuPids();
    assert.ok(qemu, 'the guest runs in a QEMU process');
    const compute = (await serviceProcesses(lab)).find((p) => p.binary === 'nova-compute' && p.host === host)!;

    const token = await labToken(lab);
    const res = await fetch(lab.url('gui', `/lab/api/services/nova-compute/restart?host=${host}`), {
      method: 'POST',
      headers: { 'x-auth-token': token },
    });
    assert.equal(res.status, 200, await res.text());
    await runningService(lab, 'nova-compute', host, compute.pid ?? undefined);

    // Give power-state sync time to act (it used to stop the guest a few seconds after the restart).
    await new Promise((r) => setTimeout(r, 8000));
    assert.ok(alive(qemu), 'the QEMU process survived the restart');
    assert.deepEqual(qemuPids(), [qemu], 'and no second QEMU was started for it');
    const after = await show();
    assert.equal(after.status, 'ACTIVE');
    assert.equal(after['OS-EXT-STS:power_state'], 1, 'power state Running');

    const url = new URL((JSON.parse(await openstack('console', 'url', 'show', '--novnc', NAME, '-f', 'json')) as { url: string }).url);
    const consoleToken = new URLSearchParams(url.searchParams.get('path')!.replace(/^[^?]*\?/, '')).get('token')!;
    const ws = await openWebSocket(`ws://${url.host}/?token=${consoleToken}`, { origin: url.origin });
    const init = await rfbHandshake(rfbOverWebSocket(ws));
    assert.ok(init.width > 0, 'the re-adopted guest shows its screen through the proxy');
    ws.close();
  },
);

test('novalab down still stops every guest', { timeout: 120_000 }, async () => {
  const pids = qemuPids();
  assert.ok(pids.length > 0);
  await lab.stop();
  await eventually('every QEMU gone', async () => (pids.some(alive) ? null : true), 60_000, 250);
});
