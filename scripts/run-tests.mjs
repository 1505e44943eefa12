#!/usr/bin/env node
// Runs the compiled test files with node's own test runner, one file at a time (the
// integration suites start whole labs and real guests; two at once would fight for 2 cores).
// Usage: node scripts/run-tests.mjs [unit|functional|real|reliability|e2e|electron|tempest ...]
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const suites = {
  unit: (f) => /^(backend|bench|contract|electron|renderer-tests|test\/lint|test\/unit)\//.test(f),
  functional: (f) => f.startsWith('test/functional/'),
  real: (f) => f.startsWith('test/real/'),
  reliability: (f) => f.startsWith('test/reliability/'),
  e2e: (f) => f.startsWith('test/e2e/'),
  electron: (f) => f.startsWith('test/electron/'),
  tempest: (f) => f.startsWith('test/tempest/'),
};
const order = ['unit', 'functional', 'real', 'reliability', 'e2e', 'electron', 'tempest'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : order;
for (const w of wanted)
  if (!suites[w]) {
    console.error(`unknown suite ${w}; choose from ${order.join(', ')}`);
    process.exit(2);
  }

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(relative(dist, p));
  }
  return out;
}
const all = walk(dist).sort();
const files = order.filter((s) => wanted.includes(s)).flatMap((s) => all.filter(suites[s]));
if (files.length === 0) {
  console.error('no test files found: did the build run?');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files.map((f) => join(dist, f))], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
