#!/usr/bin/env node
// The renderer's unit tests (renderer/src/**/*.test.ts: its pure modules, e.g. the boot
// walkthrough's model) are bundled with esbuild, which Vite already brings, into
// dist/renderer-tests/, where scripts/run-tests.mjs runs them with node's test runner like
// every other unit test. They are type-checked first with renderer/tsconfig.test.json (the
// browser's tsconfig plus Node's types, which only the tests see).
import { readdirSync, statSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'renderer', 'src');
const out = join(root, 'dist', 'renderer-tests');

function walk(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, found);
    else if (/\.test\.tsx?$/.test(name)) found.push(p);
  }
  return found;
}

const entries = walk(src);
if (entries.length > 0 && process.env.NOVALAB_SKIP_TYPECHECK !== '1') {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'renderer', 'tsconfig.test.json'), '--noEmit'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('build-renderer-tests: type errors in the renderer tests');
    process.exit(1);
  }
}
const esbuild = createRequire(join(root, 'package.json'))('esbuild');
rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: Object.fromEntries(entries.map((p) => [relative(src, p).replace(/\.tsx?$/, ''), p])),
  outdir: out,
  outExtension: { '.js': '.js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log(`build-renderer-tests: ${entries.length} test file(s) -> dist/renderer-tests`);
