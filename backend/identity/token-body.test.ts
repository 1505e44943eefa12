import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog, buildTokenBody, keystoneTime, urlHost, versionDocument, type TokenFacts } from './token-body.js';

const urls = { identity: 'http://127.0.0.1:5000', compute: 'http://127.0.0.1:8774/v2.1', image: 'http://127.0.0.1:9292' };
const domain = { id: 'default', name: 'Default' };
const facts: TokenFacts = {
  methods: ['password'],
  audit_ids: ['a1'],
  issued_at: new Date('2026-11-23T19:04:51.947Z'),
  expires_at: new Date('2026-11-23T20:04:51.947Z'),
  user: { id: 'u1', name: 'admin', domain },
  project: { id: 'p1', name: 'admin', domain },
  roles: [{ id: 'r1', name: 'admin' }],
};

test('Keystone times carry microseconds and a Z', () => {
  assert.equal(keystoneTime(new Date('2026-11-23T20:04:51.947Z')), '2026-11-23T20:04:51.947000Z');
});

test('the catalog names identity, compute and image with public, internal and admin endpoints in RegionOne', () => {
  const catalog = buildCatalog(urls);
  assert.deepEqual(
    catalog.map((c) => [c.type, c.name]),
    [
      ['identity', 'keystone'],
      ['compute', 'nova'],
      ['image', 'glance'],
    ],
  );
  for (const entry of catalog) {
    assert.deepEqual(
      entry.endpoints.map((e) => e.interface),
      ['public', 'internal', 'admin'],
    );
    for (const e of entry.endpoints) assert.equal(e.region_id, 'RegionOne');
  }
  assert.equal(catalog[1]!.endpoints[0]!.url, 'http://127.0.0.1:8774/v2.1');
  assert.deepEqual(buildCatalog(urls), catalog, 'ids are stable from one build to the next');
});

test('a project-scoped token body has what the CLI needs: expires_at, user, project, roles and catalog', () => {
  const { token } = buildTokenBody(facts, buildCatalog(urls)) as { token: Record<string, any> };
  assert.equal(token.expires_at, '2026-11-23T20:04:51.947000Z');
  assert.deepEqual(token.user, { id: 'u1', name: 'admin', domain, password_expires_at: null });
  assert.deepEqual(token.project, { id: 'p1', name: 'admin', domain });
  assert.deepEqual(token.roles, [{ id: 'r1', name: 'admin' }]);
  assert.equal(token.is_domain, false);
  assert.equal(token.catalog.length, 3);
});

test('an unscoped token has neither project, roles nor catalog; nocatalog leaves the catalog out', () => {
  const { project: _p, ...unscoped } = facts;
  const { token } = buildTokenBody(unscoped, buildCatalog(urls)) as { token: Record<string, unknown> };
  assert.equal('project' in token || 'catalog' in token || 'roles' in token, false);
  const noCatalog = buildTokenBody(facts, null).token as Record<string, unknown>;
  assert.equal('catalog' in noCatalog, false);
});

test('wildcard listen addresses become loopback in URLs and IPv6 gets brackets', () => {
  assert.equal(urlHost('0.0.0.0'), '127.0.0.1');
  assert.equal(urlHost('::'), '[::1]');
  assert.equal(urlHost('fe80::1'), '[fe80::1]');
  assert.equal(urlHost('10.0.0.5'), '10.0.0.5');
});

test('the version document points at /v3/ under the identity root', () => {
  assert.deepEqual(versionDocument('http://127.0.0.1:5000').links, [{ rel: 'self', href: 'http://127.0.0.1:5000/v3/' }]);
});
