// The course's console flow for real: a whole lab (`novalab up`), an x86_64 guest, the URL
// from `openstack console url show --novnc`, opened in headless Chromium. The page connects
// through nova-novncproxy, keys typed in the browser reach the guest's VGA shell, and deleting
// the server revokes the URL. The RFB handshake through the proxy reaches ServerInit for an
// x86_64 and an aarch64 guest, whose VNC servers are owner-only unix sockets (no TCP port).
// No token may appear in any service log. (TCP with a VNC password: console-vnc-password.test.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright';
import { startLab, cliEnv, eventually, processTree, type LabHandle } from '../../harness/lab-process.js';
import { openWebSocket, rfbHandshake, rfbOverWebSocket } from '../../backend/console/testing/rfb-probe.js';
import { describeListener, listeners } from '../../harness/listeners.js';

const exec = promisify(execFile);
const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../test-results/real');
async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) }).catch(() => undefined);
}
const NAME = 'vm-console';
let lab: LabHandle;
let browser: Browser;

async function openstack(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const consoleLog = () => openstack('console', 'log', 'show', NAME);
const consoleUrl = async (name = NAME) =>
  (JSON.parse(await openstack('console', 'url', 'show', '--novnc', name, '-f', 'json')) as { url: string }).url;
const tokenOf = (url: string) => new URLSearchParams(new URL(url).searchParams.get('path')!.replace(/^[^?]*\?/, '')).get('token')!;

async function openConsole(url: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  return { page, problems };
}

/** Playwright's `type` sends '$' without pressing Shift, and QEMU (which gets scancodes from
 *  noVNC) would see '4': press Shift for shifted characters, as a person does. Keys are held
 *  for a moment, as a person's are: a TCG guest on a loaded CI machine drains its PS/2 queue
 *  slowly, and QEMU drops what does not fit. */
const SHIFTED: Record<string, string> = { $: 'Digit4', '(': 'Digit9', ')': 'Digit0', '*': 'Digit8', '>': 'Period' };
async function typeLikeAPerson(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    if (SHIFTED[ch]) await page.keyboard.press(`Shift+${SHIFTED[ch]}`, { delay: 20 });
    else await page.keyboard.type(ch, { delay: 20 });
  }
}

const state = (page: Page) => page.evaluate(() => document.body.dataset.state);
const waitState = (page: Page, want: string) => page.waitForFunction((w) => document.body.dataset.state === w, want, { timeout: 30_000 });

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 });
  browser = await chromium.launch({
    executablePath: process.env.NOVALAB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-x86_64', '--wait', NAME);
  await eventually("the guest's shell prompt", async () => ((await consoleLog()).includes(`${NAME}:~# `) ? true : null), 300_000, 1000);
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

const tokens: string[] = [];

test('the console URL opens in a browser, connects, and keys typed there reach the guest', async () => {
  const url = await consoleUrl();
  assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${lab.port('nova-novncproxy')}/vnc_auto\\.html\\?path=%3Ftoken%3D`));
  tokens.push(tokenOf(url));
  const { page, problems } = await openConsole(url);
  await waitState(page, 'connected');
  assert.ok(!page.url().includes('token'), 'the token left the address bar');
  await page.locator('#screen canvas').click();
  // A person who sees a garbled line types it again; each try has its own mark, so a line
  // that arrives late from an earlier try still proves only that keys reached the guest.
  let seen = false;
  for (let attempt = 1; attempt <= 3 && !seen; attempt++) {
    await page.keyboard.press('Enter');
    await typeLikeAPerson(page, `echo typed $((6*7)) through novnc ${attempt} >/dev/console`);
    await page.keyboard.press('Enter');
    await shot(page, `console-typed-${attempt}`);
    seen = await eventually(
      'the typed line on the serial log',
      async () => ((await consoleLog()).includes('typed 42 through novnc') ? true : null),
      20_000,
      500,
    ).then(
      () => true,
      () => false,
    );
  }
  await shot(page, 'console-after');
  assert.ok(seen, 'a line typed in the browser (three tries) never reached the guest');
  // A reload keeps working (the token went to sessionStorage, not the URL).
  await page.reload();
  await waitState(page, 'connected');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('the RFB handshake through nova-novncproxy reaches ServerInit for an x86_64 and an aarch64 guest', async () => {
  const ARM = 'vm-console-arm';
  await openstack('server', 'create', '--flavor', 'm1.tiny', '--image', 'novalab-aarch64', '--wait', ARM);
  try {
    for (const name of [NAME, ARM]) {
      const url = new URL(await consoleUrl(name));
      const token = tokenOf(url.href);
      tokens.push(token);
      // What noVNC does with the URL's path parameter: a WebSocket to the proxy's own origin.
      const ws = await openWebSocket(`ws://${url.host}/?token=${token}`, { origin: url.origin });
      const init = await rfbHandshake(rfbOverWebSocket(ws));
      assert.equal(init.version, 'RFB 003.008', name);
      assert.ok(init.width > 0 && init.height > 0, `${name}: a ${init.width}x${init.height} screen`);
      // QEMU names its VNC desktop after the guest: the proxy reached this server's own screen.
      const instanceName = (await openstack('server', 'show', name, '-f', 'value', '-c', 'OS-EXT-SRV-ATTR:instance_name')).trim();
      assert.equal(init.name, `QEMU (${instanceName})`, name);
      ws.close();
    }
    // Both guests (the aarch64 one shows its serial vc console there) on private unix sockets.
    const qemus = qemuPids();
    assert.ok(qemus.length >= 2, `two guests running (${qemus.length})`);
    for (const pid of qemus) assertPrivateVnc(pid);
  } finally {
    await openstack('server', 'delete', '--wait', ARM);
  }
});

/** The lab's QEMU processes (not by comm: QEMU renames its process after the guest). */
function qemuPids(): number[] {
  return processTree(lab.child.pid!).filter((pid) => {
    try {
      return path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).startsWith('qemu-system');
    } catch {
      return false;
    }
  });
}

/** The value of `-vnc` on a process's command line. */
function vncArg(pid: number): string {
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return argv[argv.indexOf('-vnc') + 1] ?? '';
}

/** The guest's VNC server is an owner-only unix socket in a private directory, and QEMU has no TCP listener. */
function assertPrivateVnc(pid: number): void {
  const tcp = listeners(pid).filter((l) => l.table.startsWith('tcp'));
  assert.deepEqual(tcp.map(describeListener), [], `QEMU ${pid} listens on TCP`);
  const socket = /^unix:(.+)$/.exec(vncArg(pid))?.[1]?.replaceAll(',,', ',');
  assert.ok(socket, `QEMU ${pid}: -vnc ${vncArg(pid)}`);
  const st = fs.statSync(socket);
  assert.ok(st.isSocket());
  assert.equal(st.uid, process.getuid!());
  assert.equal(st.mode & 0o777, 0o600, `${socket} is owner-only`);
  const dir = fs.statSync(path.dirname(socket));
  assert.equal(dir.mode & 0o077, 0, `${path.dirname(socket)} is not group- or world-accessible`);
}

test("a guest's VNC server is a private unix socket and no TCP port: from outside, the proxy is the way in", () => {
  const qemus = qemuPids();
  assert.ok(qemus.length >= 1, 'a running guest');
  for (const pid of qemus) assertPrivateVnc(pid);
});

test('deleting the server revokes its console URL', async () => {
  const url = await consoleUrl();
  tokens.push(tokenOf(url));
  await openstack('server', 'delete', '--wait', NAME);
  const { page } = await openConsole(url);
  await waitState(page, 'failed');
  assert.match(await page.locator('#status').innerText(), /not valid/);
  assert.equal(await state(page), 'failed');
  await page.context().close();
});

test('no service log contains a console token', () => {
  const logs = path.join(lab.stateDir, 'logs');
  const text =
    fs
      .readdirSync(logs)
      .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
      .join('\n') + lab.output.join('\n');
  assert.match(text, /nova-novncproxy/);
  for (const t of tokens) assert.ok(!text.includes(t), 'a console token in the logs');
});
