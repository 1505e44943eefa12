#!/usr/bin/env node
// `npm start`: the desktop app where Electron can start; otherwise the lab headless, with
// the URL to open in any browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

function electronBinary() {
  if (!existsSync(`${root}dist/electron/main.js`)) return null;
  try {
    return require('electron'); // a path; throws where the binary is missing and cannot be fetched
  } catch {
    return null;
  }
}

const electron = electronBinary();
const [cmd, args] = electron ? [electron, [root]] : [process.execPath, [`${root}bin/novalab.js`, 'up', ...process.argv.slice(2)]];
if (!electron) console.log('novalab: Electron is not available here; serving the lab headless (open the gui URL below in a browser).');
const child = spawn(cmd, args, { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
