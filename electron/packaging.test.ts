// The installers carry the app, never its tests: electron-builder's own file matcher, run over
// the built tree with the patterns of electron-builder.yml, decides what would be packed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const appRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

type Filter = (file: string, stat: fs.Stats) => boolean;

/** The files electron-builder would copy: its filter applied as its copy does, directories first. */
function packedFiles(patterns: string[]): string[] {
  const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
    FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns: string[]) => { createFilter(): Filter };
  };
  const filter = new FileMatcher(appRoot, '/app', (p) => p, patterns).createFilter();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      if (dir === appRoot && ['node_modules', '.git', 'release'].includes(name)) continue;
      const p = path.join(dir, name);
      const stat = fs.statSync(p);
      if (!filter(p, stat)) continue;
      if (stat.isDirectory()) walk(p);
      else out.push(path.relative(appRoot, p).split(path.sep).join('/'));
    }
  };
  walk(appRoot);
  return out;
}

function configuredPatterns(): string[] {
  const yaml = require('js-yaml') as { load(s: string): unknown };
  const config = yaml.load(fs.readFileSync(path.join(appRoot, 'electron-builder.yml'), 'utf8')) as { files: string[] };
  return config.files;
}

test('the installers carry the built app and leave out every test, bench and test helper', () => {
  const builtTests = fs
    .readdirSync(path.join(appRoot, 'dist'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'));
  assert.ok(builtTests.length > 0, 'the build holds compiled tests, so this check means something');
  const packed = packedFiles(configuredPatterns());
  const leaked = packed.filter((f) => /\.test\.js$|^dist\/(test|bench|harness|renderer-tests)\/|\/testing\//.test(f));
  assert.deepEqual(leaked, [], `tests in the installer: ${leaked.slice(0, 5).join(', ')}`);
  for (const needed of [
    'dist/electron/main.js',
    'dist/backend/cli/novalab.js',
    'dist/backend/launcher/launcher.js',
    'bin/novalab.js',
    'package.json',
  ]) {
    assert.ok(packed.includes(needed), `the installer carries ${needed}`);
  }
  assert.ok(
    packed.some((f) => f.startsWith('dist/renderer/')) || !fs.existsSync(path.join(appRoot, 'dist', 'renderer')),
    'the GUI is packed',
  );
});

test('the same matcher would have packed the tests without the exclusions (the check can fail)', () => {
  const permissive = configuredPatterns().filter((p) => !p.startsWith('!'));
  assert.ok(packedFiles(permissive).some((f) => f.endsWith('.test.js')));
});
