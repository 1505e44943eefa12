// Every string the GUI shows exists in both languages: the two resource files have the same
// keys (plural forms aside), and every key the code names literally is in them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const I18N = path.join(ROOT, 'renderer/src/i18n');

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}
type Tree = { [key: string]: string | Tree };
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Tree;
/** A language's strings as the GUI merges them: the core file and every parts/<area>.<lang>.json. */
function resources(lang: string): Tree {
  const merged = readJson(path.join(I18N, `${lang}.json`));
  const into = (target: Tree, source: Tree) => {
    for (const [k, v] of Object.entries(source)) {
      if (typeof v === 'object') into((target[k] ??= {}) as Tree, v);
      else target[k] = v;
    }
  };
  const partsDir = path.join(I18N, 'parts');
  for (const f of fs.existsSync(partsDir) ? fs.readdirSync(partsDir).sort() : []) {
    if (f.endsWith(`.${lang}.json`)) into(merged, readJson(path.join(partsDir, f)));
  }
  return merged;
}
const load = (lang: string) => keys(resources(lang));
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : /\.tsx?$/.test(d.name) ? [p] : [];
  });
}

test('every i18n part comes in both languages', () => {
  const partsDir = path.join(I18N, 'parts');
  const files = fs.existsSync(partsDir) ? fs.readdirSync(partsDir) : [];
  for (const f of files) {
    assert.match(f, /^[a-z0-9-]+\.(en|zh-CN)\.json$/, `${f}: parts are named <area>.<lang>.json`);
    const twin = f.endsWith('.en.json') ? f.replace(/\.en\.json$/, '.zh-CN.json') : f.replace(/\.zh-CN\.json$/, '.en.json');
    assert.ok(files.includes(twin), `${f} has no ${twin}`);
  }
});

test('en and zh-CN have the same keys', () => {
  const en = new Set(load('en').map(base));
  // confHelp is Chinese help for nova.conf options; English falls back to the option's own help.
  const zh = new Set(
    load('zh-CN')
      .map(base)
      .filter((k) => !k.startsWith('confHelp.')),
  );
  assert.deepEqual(
    [...en].filter((k) => !zh.has(k)),
    [],
    'missing in zh-CN',
  );
  assert.deepEqual(
    [...zh].filter((k) => !en.has(k)),
    [],
    'missing in en',
  );
});

test('every literal t("…") key in the renderer is translated', () => {
  const en = new Set(load('en').map(base));
  const zh = new Set(load('zh-CN').map(base));
  const missing: string[] = [];
  for (const file of sources(path.join(ROOT, 'renderer/src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) {
      const k = m[1]!;
      if (!en.has(k) || !zh.has(k)) missing.push(`${path.relative(ROOT, file)}: ${k}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("every lab API error code is translated, with the catalogue's own parameters", async () => {
  const { LAB_ERRORS } = await import('../../contract/lab-api.js');
  const params = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
  for (const lang of ['en', 'zh-CN']) {
    const tr = (resources(lang) as { labErrors: Record<string, string> }).labErrors;
    for (const [code, { text }] of Object.entries(LAB_ERRORS)) {
      assert.ok(tr[code], `${lang}: labErrors.${code}`);
      assert.deepEqual(params(tr[code]!), params(text), `${lang}: labErrors.${code} names the parameters the backend sends`);
    }
  }
});

test('every nova.conf option the Configuration screen shows has Chinese help', async () => {
  const { NOVA_CONF_OPTIONS } = await import('../../contract/nova-conf-options.js');
  const zh = new Set(load('zh-CN'));
  const missing = NOVA_CONF_OPTIONS.filter((o) => !zh.has(`confHelp.${o.name}`)).map((o) => `[${o.section}] ${o.name}`);
  assert.deepEqual(missing, [], 'options shown with English help in 简体中文');
});
