// Guests' VNC on TCP, as where a unix socket cannot serve (a non-loopback vncserver_listen,
// Windows): a whole lab with `[novalab] vnc_unix_socket = false` and real x86_64 and aarch64
// guests. Each QEMU listens on loopback TCP and asks for VNC authentication with a random
// per-guest password: a direct connection (any local process, any page reaching loopback) is
// offered only security type 2 and fails without the password, while through
// nova-novncproxy the browser — headless Chromium's noVNC included — is offered None and
// reaches the guest's screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright';
import { startLab, cliEnv, processTree, type LabHandle } from '../../harness/lab-process.js';
import { connectSocket, openWebSocket, rfbHandshake, rfbOverSocket, rfbOverWebSocket } from '../../backend/console/testing/rfb-probe.js';
import { describeListener, listeners } from '../../harness/listeners.js';

const exec = promisify(execFile);
const GUESTS = [
  ['vm-pw-x86', 'novalab-x86_64'],
  ['vm-pw-arm', 'novalab-aarch64'],
] as const;
let lab: LabHandle;

async function openstack(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const show = async (name: string, field: string) => (await openstack('server', 'show', name, '-f', 'value', '-c', field)).trim();
const consoleUrl = async (name: string) =>
  new URL((JSON.parse(await openstack('console', 'url', 'show', '--novnc', name, '-f', 'json')) as { url: string }).url);
const tokenOf = (url: URL) => new URLSearchParams(url.searchParams.get('path')!.replace(/^[^?]*\?/, '')).get('token')!;

/** The QEMU process of an instance (by its -uuid), and its command line. */
function qemuOf(uuid: string): { pid: number; argv: string[] } {
  for (const pid of processTree(lab.child.pid!)) {
    try {
      if (!path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).startsWith('qemu-system')) continue;
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[argv.indexOf('-uuid') + 1] === uuid) return { pid, argv };
    } catch {
      /* gone */
    }
  }
  throw new Error(`no QEMU for ${uuid}`);
}

before(async () => {
  lab = await startLab({ novaConf: '[novalab]\nvnc_unix_socket = false\n', timeoutMs: 600_000 });
  for (const [name, image] of GUESTS) await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', image, '--wait', name);
});

after(async () => {
  await lab?.stop();
});

for (const [name] of GUESTS) {
  test(`${name}: QEMU listens on loopback TCP and offers only VNC authentication; without the password nothing opens`, async () => {
    const { pid, argv } = qemuOf(await show(name, 'id'));
    const vnc = argv[argv.indexOf('-vnc') + 1]!;
    assert.match(vnc, /^127\.0\.0\.1:\d+(,to=\d+)?,password=on$/);
    const tcp = listeners(pid).filter((l) => l.table.startsWith('tcp'));
    assert.equal(tcp.length, 1, tcp.map(describeListener).join(', '));
    assert.equal(tcp[0]!.address, '127.0.0.1');
    const port = tcp[0]!.port;
    // What any other local process would try: a VNC client without the password.
    await assert.rejects(rfbHandshake(rfbOverSocket(await connectSocket({ host: '127.0.0.1', port }))), /None not offered \(offered 2\)/);
    const c = rfbOverSocket(await connectSocket({ host: '127.0.0.1', port }));
    await c.queue.read(12);
    c.write(Buffer.from('RFB 003.008\n', 'latin1'));
    const n = (await c.queue.read(1))[0]!;
    assert.deepEqual([...(await c.queue.read(n))], [2]);
    c.write(Buffer.from([2]));
    await c.queue.read(16);
    c.write(Buffer.alloc(16));
    assert.equal((await c.queue.read(4)).readUInt32BE(0), 1, 'SecurityResult: failed');
    c.close();
  });

  test(`${name}: through nova-novncproxy the browser is offered None and reaches the guest's ServerInit`, async () => {
    const url = await consoleUrl(name);
    const ws = await openWebSocket(`ws://${url.host}/?token=${tokenOf(url)}`, { origin: url.origin });
    const init = await rfbHandshake(rfbOverWebSocket(ws));
    assert.equal(init.name, `QEMU (${await show(name, 'OS-EXT-SRV-ATTR:instance_name')})`);
    assert.ok(init.width > 0 && init.height > 0);
    ws.close();
  });
}

test('noVNC in headless Chromium connects to a password-protected guest through the proxy', async () => {
  const browser = await chromium.launch({
    executablePath: process.env.NOVALAB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto((await consoleUrl(GUESTS[0][0])).href);
    await page.waitForFunction(() => document.body.dataset.state === 'connected', undefined, { timeout: 30_000 });
  } finally {
    await browser.close();
  }
});

test('no service log carries a VNC password', () => {
  const logs = path.join(lab.stateDir, 'logs');
  const text =
    fs
      .readdirSync(logs)
      .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
      .join('\n') + lab.output.join('\n');
  assert.match(text, /TCP on 127\.0\.0\.1 with a per-instance VNC password/);
  assert.doesNotMatch(text, /"password"\s*:\s*"(?!\*\*\*)/);
});
