#!/usr/bin/env node
// `npm start`: the desktop app where Electron can start; otherwise the lab headless, with
// the URL to open in any browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The installed Electron binary, or null. Found the way the electron package finds it, but
 *  without `require('electron')`: that tries to download a missing binary, and where it cannot
 *  prints a failed download's stack trace before anything useful. */
function electronBinary() {
  if (!existsSync(`${root}dist/electron/main.js`)) return null;
  const pkg = path.join(root, 'node_modules', 'electron');
  let name = '';
  try {
    name = readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    /* never downloaded */
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, name || 'electron') : name ? path.join(pkg, 'dist', name) : null;
  return binary && existsSync(binary) ? binary : null;
}

const electron = electronBinary();
const [cmd, args] = electron ? [electron, [root]] : [process.execPath, [`${root}bin/novalab.js`, 'up', ...process.argv.slice(2)]];
if (!electron)
  console.log(
    'novalab: Electron is not installed here, so the lab runs headless: open the gui URL it prints in a browser.\n' +
      '(For the desktop app: npm install where Electron can be downloaded.)',
  );
const child = spawn(cmd, args, { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
