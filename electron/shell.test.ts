import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { allowedExternal, allowedNavigation, contentSecurityPolicy } from './security.js';
import { qemuVerdict, installInstructions } from './qemu-check.js';
import { readyLab } from './backend-process.js';

// dist/electron/shell.test.js -> the checkout (the electron layer imports only the contract).
const appRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the window navigates only within the lab GUI origin', () => {
  assert.equal(allowedNavigation('http://127.0.0.1:8780/#/console', 'http://127.0.0.1:8780'), true);
  assert.equal(allowedNavigation('http://127.0.0.1:8781/', 'http://127.0.0.1:8780'), false);
  assert.equal(allowedNavigation('https://evil.example/', 'http://127.0.0.1:8780'), false);
  assert.equal(allowedExternal('file:///etc/passwd'), false);
  assert.equal(allowedExternal('http://10.0.0.1/'), false);
});

test('the content security policy allows only the lab and its console proxy', () => {
  const csp = contentSecurityPolicy('http://127.0.0.1:8780', 'http://127.0.0.1:6080');
  assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:8780 http:\/\/127\.0\.0\.1:6080 ws:\/\/127\.0\.0\.1:6080/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /\*/);
});

test('a missing QEMU binary produces install instructions for the OS', () => {
  const v = qemuVerdict(
    { 'qemu-system-x86_64': '/usr/bin/qemu-system-x86_64', 'qemu-system-aarch64': null, 'qemu-img': '/usr/bin/qemu-img' },
    'darwin',
  );
  assert.equal(v.found, false);
  assert.match(v.install!, /qemu-system-aarch64 not found\. Install QEMU with Homebrew: brew install qemu/);
  assert.match(installInstructions('linux'), /apt-get install qemu-system-x86/);
  assert.match(installInstructions('win32'), /PATH/);
});

test("the shell waits for the backend's gui and console lines and ready", () => {
  const gui = 'gui               http://127.0.0.1:8780/';
  const consoleLine = 'console           http://127.0.0.1:6080';
  assert.equal(readyLab(['novalab: starting', gui, consoleLine]), null);
  assert.equal(readyLab([gui, 'ready']), null);
  assert.deepEqual(readyLab([gui, consoleLine, 'ready']), { url: 'http://127.0.0.1:8780/', consoleOrigin: 'http://127.0.0.1:6080' });
});

test('the console origin is what nova.conf says, not a port derived from the GUI port', () => {
  // novncproxy_port edited to 7000 while the GUI stays on 8780: the window must allow 7000.
  const lab = readyLab(['gui               http://127.0.0.1:8780/', 'console           http://127.0.0.1:7000', 'ready']);
  assert.equal(lab?.consoleOrigin, 'http://127.0.0.1:7000');
});

test("the electron-builder configuration passes electron-builder's own validation", async () => {
  const require = createRequire(import.meta.url);
  const yaml = require('js-yaml') as { load(s: string): unknown };
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(c: unknown, l: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = yaml.load(fs.readFileSync(path.join(appRoot, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  await validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false)), /notAnOption|unknown property/i);
  const deb = config.deb as { depends: string[] };
  assert.ok(deb.depends.includes('qemu-system-x86'));
});
