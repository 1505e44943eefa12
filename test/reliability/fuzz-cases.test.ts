// The fuzz test's promises about its own cases, without a lab: a seed and a case number give
// the same bytes every time (so a reported case replays), and every route of the lab's route
// tables is aimed at within one run (so a new route is fuzzed without anyone adding it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCase, type FuzzContext } from './fuzz/cases.js';
import { computeRoutes, consolePaths, identityRoutes, imageRoutes, labApiRoutes, metadataPaths } from './fuzz/routes.js';

const ctx: FuzzContext = {
  ports: { identity: 1, image: 2, compute: 3, metadata: 4, ec2: 5, novncproxy: 6, gui: 7 },
  tokens: { admin: 'admin-token', demo: 'demo-token' },
  real: { images: ['img-1'], flavors: ['1'], servers: ['srv-1'] },
  owned: { servers: ['srv-1'], images: ['img-2'] },
  metadataSecret: 'secret',
  routes: {
    compute: computeRoutes(),
    identity: identityRoutes(),
    image: imageRoutes(),
    metadata: metadataPaths(),
    console: consolePaths(),
    labApi: labApiRoutes(),
  },
};

const bytes = (seed: string, n: number) =>
  JSON.stringify(makeCase(seed, n, ctx), (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('base64') : v));

test('a seed and a case number always give the same case; another seed another one', () => {
  for (const n of [0, 1, 17, 4242, 9999]) assert.equal(bytes('seed-a', n), bytes('seed-a', n));
  const differ = [0, 1, 2, 3, 4, 5, 6, 7].filter((n) => bytes('seed-a', n) !== bytes('seed-b', n));
  assert.ok(differ.length >= 6);
});

test('10,000 cases aim at every route of nova-api, keystone and glance, and at every listener', () => {
  const routes = new Set<string>();
  const listeners = new Set<string>();
  for (let n = 0; n < 10_000; n++) {
    const c = makeCase('coverage', n, ctx);
    listeners.add(c.listener);
    if (c.kind === 'http' && c.route && !c.path.startsWith('/compute') && !c.path.startsWith('/identity') && !(c.listener === 'gui'))
      routes.add(c.route);
  }
  const all = [
    ...ctx.routes.compute.map((r) => `compute ${r.methods.join(',') || 'ALL'} ${r.path}`),
    ...ctx.routes.identity.map((r) => `identity ${r.methods.join(',') || 'ALL'} ${r.path}`),
    ...ctx.routes.image.map((r) => `image ${r.methods.join(',') || 'ALL'} ${r.path}`),
  ];
  assert.ok(
    ctx.routes.compute.length > 30 && ctx.routes.identity.length > 25 && ctx.routes.image.length > 10,
    'the route tables were read',
  );
  assert.deepEqual(
    all.filter((r) => !routes.has(r)),
    [],
  );
  assert.deepEqual([...listeners].sort(), [
    'compute',
    'ec2',
    'gui',
    'gui-events',
    'identity',
    'image',
    'metadata',
    'novncproxy',
    'novncproxy-ws',
    'raw-http',
  ]);
});
