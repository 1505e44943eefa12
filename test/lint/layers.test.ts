// The layering rule of eslint.config.js, run through ESLint itself on code placed in the
// tree's folders: what docs/architecture.md allows passes, what it forbids fails with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function layerErrors(file: string, importPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(`import { x } from '${importPath}';\nexport const y = x;\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'novalab/layers').map((m) => m.message);
}

const cases: Array<[string, string, boolean]> = [
  // [file, import, allowed]
  ['backend/conductor/claim.ts', '../scheduler/filters/ram-filter.js', false],
  ['backend/compute/manager.ts', '../conductor/db.js', false],
  ['backend/conductor/claim.ts', '../shared/group-members.js', true],
  ['backend/scheduler/x.ts', '../rpc/scheduler-api.js', true],
  ['backend/scheduler/x.ts', '../launcher/launcher.js', false],
  ['backend/common/x.ts', '../bus/client.js', false],
  ['backend/shared/x.ts', '../../contract/events.js', true],
  ['contract/x.ts', '../backend/common/log.js', false],
  ['renderer/src/x.ts', '../../contract/events.js', true],
  ['renderer/src/x.ts', '../../backend/common/log.js', false],
  ['electron/x.ts', '../backend/launcher/launcher.js', false],
  ['backend/launcher/x.ts', '../conductor/main.js', true],
  ['bench/x.ts', '../test/functional/a.js', false],
  ['bench/x.ts', '../harness/lab-process.js', true],
];

for (const [file, spec, allowed] of cases) {
  test(`${file} ${allowed ? 'may' : 'may not'} import ${spec}`, async () => {
    const errors = await layerErrors(file, spec);
    if (allowed) assert.deepEqual(errors, []);
    else assert.equal(errors.length, 1, `expected a layer error, got ${JSON.stringify(errors)}`);
  });
}

test('a service importing another service is told to share the code below both or use the bus', async () => {
  const [why] = await layerErrors('backend/conductor/claim.ts', '../scheduler/claims.js');
  assert.match(why ?? '', /backend\/conductor may not import another service \(backend\/scheduler\)/);
});
