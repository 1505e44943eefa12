import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenStore, formatToken, hashToken } from './token-store.js';
import { consoleAuthApi } from './consoleauth-service.js';
import type { PublishedEvent } from '../bus/wire.js';
import { withContext } from '../bus/client.js';
import type { VncConnectInfo } from '../rpc/compute-api.js';

const VNC: VncConnectInfo = { kind: 'tcp', host: '127.0.0.1', port: 5901 };
const clock = (start = 1_700_000_000_000) => {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};

test('a token looks like a UUID and carries 128 random bits', () => {
  const store = new TokenStore();
  const a = store.issue('i-1', VNC, 600).token;
  const b = store.issue('i-1', VNC, 600).token;
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(a.replace(/-/g, '').length * 4, 128);
  assert.equal(formatToken(Buffer.alloc(16, 0xab)), 'abababab-abab-abab-abab-abababababab');
});

test('a valid token gives back its instance and connect_info until it expires', () => {
  const c = clock();
  const store = new TokenStore({ now: c.now });
  const { token, expires_at } = store.issue('i-1', VNC, 600);
  assert.equal(expires_at, new Date(c.now() + 600_000).toISOString());
  c.advance(599_999);
  assert.deepEqual(store.check(token), { instance_uuid: 'i-1', connect_info: VNC, expires_at });
  c.advance(1);
  assert.equal(store.check(token), null);
  assert.equal(store.size, 0, 'an expired token is removed when checked');
});

test('unknown, empty, non-string and absurdly long tokens are refused', () => {
  const store = new TokenStore();
  store.issue('i-1', VNC, 600);
  for (const t of ['nope', '', 42, null, undefined, 'x'.repeat(10_000)]) assert.equal(store.check(t), null);
});

test('the store holds only hashes: no clear token anywhere in it', () => {
  const store = new TokenStore();
  const { token } = store.issue('i-1', VNC, 600);
  const dump = JSON.stringify(store.dump());
  assert.ok(!dump.includes(token));
  assert.ok(!dump.includes(token.replace(/-/g, '')));
  assert.equal(store.dump()[0]!.key, hashToken(token));
});

test("a guest's VNC password is kept sealed under its token: the dump has none, the token gives it back", () => {
  const store = new TokenStore();
  const locked: VncConnectInfo = { kind: 'tcp', host: '127.0.0.1', port: 5901, password: 'Xy7-pq_2' };
  const { token } = store.issue('i-1', locked, 600);
  const other = store.issue('i-1', locked, 600).token;
  const dump = JSON.stringify(store.dump());
  assert.ok(!dump.includes('Xy7-pq_2'), 'a clear password in the store');
  assert.ok(!dump.includes('"password"'));
  assert.deepEqual(store.check(token)?.connect_info, locked);
  assert.deepEqual(store.check(other)?.connect_info, locked);
  const unix = store.issue('i-2', { kind: 'unix', path: '/i/vnc.sock' }, 600).token;
  assert.deepEqual(store.check(unix)?.connect_info, { kind: 'unix', path: '/i/vnc.sock' });
});

test("deleting an instance's tokens removes only that instance's", () => {
  const store = new TokenStore();
  const a1 = store.issue('i-1', VNC, 600).token;
  store.issue('i-1', VNC, 600);
  const b = store.issue('i-2', VNC, 600).token;
  assert.equal(store.deleteForInstance('i-1'), 2);
  assert.equal(store.check(a1), null);
  assert.ok(store.check(b));
  assert.equal(store.deleteForInstance('i-1'), 0);
});

test('the sweep drops expired tokens and keeps live ones', () => {
  const c = clock();
  const store = new TokenStore({ now: c.now });
  store.issue('i-1', VNC, 1);
  const live = store.issue('i-2', VNC, 60).token;
  c.advance(2000);
  assert.equal(store.sweep(), 1);
  assert.equal(store.size, 1);
  assert.ok(store.check(live));
});

test('consoleauth reads the TTL per token and never publishes or logs the token', async () => {
  const c = clock();
  const store = new TokenStore({ now: c.now });
  const events: PublishedEvent[] = [];
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  let ttl = 600;
  const api = consoleAuthApi({ store, ttlSeconds: () => ttl, publish: (e) => events.push(e), log });
  const first = await api.authorize_console('i-1', VNC);
  ttl = 1;
  const second = await api.authorize_console('i-1', VNC);
  assert.equal(Date.parse(second.expires_at) - c.now(), 1000);
  assert.equal((await api.check_token(first.token))?.instance_uuid, 'i-1');
  assert.equal(await api.check_token('bogus'), null);
  assert.equal(await api.delete_tokens_for_instance('i-1'), 2);
  assert.deepEqual(
    events.map((e) => [e.step, e.ctx?.instance_uuid]),
    [
      ['consoleauth.authorize', 'i-1'],
      ['consoleauth.authorize', 'i-1'],
      ['consoleauth.validated', 'i-1'],
    ],
  );
  const all = JSON.stringify(events) + lines.join('\n');
  for (const t of [first.token, second.token]) assert.ok(!all.includes(t), 'token leaked');
  await assert.rejects(api.authorize_console('i-1', { kind: 'tcp', host: '', port: 0 } as VncConnectInfo), /connect_info/);
  await assert.rejects(api.authorize_console('', VNC), /instance uuid/);
});

test("a token remembers the project that asked for it, so the proxy's later steps are that project's events", async () => {
  const events: PublishedEvent[] = [];
  const quiet = () => undefined;
  const api = consoleAuthApi({
    store: new TokenStore(),
    ttlSeconds: () => 600,
    publish: (e) => events.push(e),
    log: { info: quiet, warn: quiet, error: quiet },
  });
  const { token } = await withContext({ request_id: 'req-api', project_id: 'p-demo' }, () => api.authorize_console('i-1', VNC));
  // The proxy checks it with a context of its own, which names no project.
  const auth = await withContext({ request_id: 'req-proxy' }, () => api.check_token(token));
  assert.equal(auth?.project_id, 'p-demo');
  assert.deepEqual(
    events.map((e) => [e.step, e.ctx?.project_id]),
    [
      ['consoleauth.authorize', 'p-demo'],
      ['consoleauth.validated', 'p-demo'],
    ],
  );
});
