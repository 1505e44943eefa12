// The address a real guest configures is the fixed IP Nova reports: `openstack server show`
// and the guest's own console line ("novalab: eth0 <ip>/<mask>", printed by its DHCP client)
// name the same address, for two guests whose fixed IPs differ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
let lab: LabHandle;

async function openstack(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
});
after(async () => {
  await lab?.stop();
});

test("a guest's console shows the fixed IP that openstack server show reports", async () => {
  const reported: string[] = [];
  for (const name of ['vm-ip-1', 'vm-ip-2']) {
    const created = JSON.parse(
      await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', name, '-f', 'json'),
    ) as { status: string };
    assert.equal(created.status, 'ACTIVE');
    const shown = JSON.parse(await openstack('server', 'show', name, '-f', 'json')) as { addresses: unknown };
    const ips = JSON.stringify(shown.addresses).match(/\d+\.\d+\.\d+\.\d+/g) ?? [];
    assert.equal(ips.length, 1, `one fixed IP: ${JSON.stringify(shown.addresses)}`);
    const ip = ips[0]!;
    reported.push(ip);
    const log = await eventually(
      `${name}'s address on its console`,
      async () => {
        const text = await openstack('console', 'log', 'show', name);
        return /novalab: eth0 \S+/.test(text) ? text : null;
      },
      120_000,
      1000,
    );
    const configured = /novalab: eth0 ([\d.]+)\//.exec(log)?.[1];
    assert.equal(configured, ip, `Nova reports ${ip}; the guest configured ${configured}:\n${log.slice(-1500)}`);
  }
  assert.notEqual(reported[0], reported[1], 'each guest has its own fixed IP');
});
