#!/usr/bin/env node
// Electron's sandboxed preload can require nothing but 'electron' and a few built-ins, so it
// cannot load the contract's ES modules at run time: esbuild bundles electron/preload.cts
// with what it imports from contract/ into one CommonJS file, replacing tsc's output.
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
await esbuild.build({
  entryPoints: [`${root}electron/preload.cts`],
  outfile: `${root}dist/electron/preload.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
