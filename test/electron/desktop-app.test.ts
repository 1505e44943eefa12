// The desktop shell through Playwright-for-Electron. Runs wherever Electron's binary is
// present; elsewhere (it cannot be downloaded on a closed network) each test reports itself
// skipped, by name, with the reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { _electron, type ElectronApplication } from 'playwright';
import { appRoot } from '../../backend/common/app-root.js';
import { freePortOffset, processTree } from '../../harness/lab-process.js';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const skip = binary
  ? false
  : "Electron's binary is not installed here (it cannot be downloaded on this network); set ELECTRON_OVERRIDE_DIST_PATH to a build to run this test";
let electronApp: ElectronApplication | null = null;
after(async () => {
  await electronApp?.close().catch(() => undefined);
});

test('the desktop app opens one secure window on the lab GUI', { skip }, async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-electron-'));
  fs.writeFileSync(path.join(stateDir, 'nova.conf'), '[DEFAULT]\ncompute_driver = fake\n');
  electronApp = await _electron.launch({
    executablePath: binary!,
    args: [appRoot()],
    env: { ...process.env, NOVALAB_STATE_DIR: stateDir, NOVALAB_PORT_OFFSET: String(await freePortOffset()) },
    timeout: 120_000,
  });
  const page = await electronApp.firstWindow({ timeout: 120_000 });
  assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\//);
  const prefs = await electronApp.evaluate(({ BrowserWindow }) => {
    const p = (globalThis as { novalabWebPreferences?: Record<string, unknown> }).novalabWebPreferences ?? {};
    return BrowserWindow.getAllWindows().length === 1
      ? { contextIsolation: p.contextIsolation, sandbox: p.sandbox, webSecurity: p.webSecurity, nodeIntegration: p.nodeIntegration }
      : null;
  });
  assert.deepEqual(prefs, { contextIsolation: true, sandbox: true, webSecurity: true, nodeIntegration: false });
  assert.equal(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined');
  assert.equal(
    await page.evaluate(() => typeof (window as unknown as { novalabDesktop?: { qemuCheck?: unknown } }).novalabDesktop?.qemuCheck),
    'function',
  );
});

test('quitting the desktop app leaves no lab or QEMU process behind', { skip }, async () => {
  assert.ok(electronApp, 'the previous test started the app');
  const pid = electronApp.process().pid!;
  const tree = processTree(pid);
  await electronApp.close();
  electronApp = null;
  const alive = tree.filter((p) => fs.existsSync(`/proc/${p}`));
  assert.deepEqual(alive, []);
});
