#!/usr/bin/env node
// Build the GUI (renderer/) into dist/renderer with Vite, when the renderer exists.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}renderer/index.html`)) {
  console.log('build:renderer: no renderer/index.html yet; the lab serves a placeholder page');
  process.exit(0);
}
const r = spawnSync(
  process.execPath,
  [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', `${root}renderer/vite.config.ts`, '--logLevel', 'warn'],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
