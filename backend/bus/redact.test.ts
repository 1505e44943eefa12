import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, redactEvent, redactSecrets, redactText, REDACTED } from './redact.js';

const TOKEN = '0f3c9a1e-7d2b-4c8e-9a55-1b2c3d4e5f60';

test('secret field names in every spelling the lab and OpenStack use', () => {
  for (const k of [
    'token',
    'X-Auth-Token',
    'x_subject_token',
    'auth_token',
    'adminPass',
    'admin_pass',
    'password',
    'original_password',
    'vnc_password',
    'user_data',
    'OS-EXT-SRV-ATTR:user_data',
    'private_key',
    'metadata_proxy_shared_secret',
    'secret',
    'X-Instance-ID-Signature',
    'Authorization',
  ]) {
    assert.ok(isSecretKey(k), k);
  }
  for (const k of [
    'key',
    'token_expires_at',
    'expires_at',
    'instance_uuid',
    'request_id',
    'name',
    'connect_info',
    'key_name',
    'metadata',
    'public_key',
  ]) {
    assert.ok(!isSecretKey(k), k);
  }
});

test('tokens inside text: console URLs (plain and percent-encoded in ?path=) and auth headers', () => {
  assert.equal(redactText(`http://127.0.0.1:6080/vnc_auto.html?token=${TOKEN}`), `http://127.0.0.1:6080/vnc_auto.html?token=${REDACTED}`);
  const url = `http://127.0.0.1:6080/vnc_auto.html?path=${encodeURIComponent(`?token=${TOKEN}`)}`;
  assert.ok(!redactText(url).includes(TOKEN));
  assert.ok(!redactText(encodeURIComponent(url)).includes(TOKEN));
  assert.ok(!redactText(`GET / with X-Auth-Token: ${TOKEN}`).includes(TOKEN));
  assert.equal(redactText('nothing secret here, token_expires_at 2026'), 'nothing secret here, token_expires_at 2026');
});

test('a deep copy: nested secrets replaced, everything else kept, the input untouched', () => {
  const input = {
    instance: { uuid: 'u1', user_data: 'c2VjcmV0', metadata: { role: 'web' }, adminPass: 'pw' },
    list: [{ token: TOKEN, expires_at: 'x' }],
    none: { user_data: null },
  };
  const out = redactSecrets(input) as typeof input;
  assert.deepEqual(out, {
    instance: { uuid: 'u1', user_data: REDACTED, metadata: { role: 'web' }, adminPass: REDACTED },
    list: [{ token: REDACTED, expires_at: 'x' }],
    none: { user_data: null },
  });
  assert.equal(input.instance.user_data, 'c2VjcmV0');
  assert.ok(!JSON.stringify(redactSecrets({ a: [[[{ password: 'p' }]]] })).includes('"p"'));
});

test('events: the consoleauth reply, a check_token call (a bare string argument) and the summary', () => {
  const reply = redactEvent({
    kind: 'rpc.reply',
    source: 'nova-consoleauth',
    topic: 'consoleauth',
    method: 'authorize_console',
    summary: 'reply',
    detail: { token: TOKEN, expires_at: 'x' },
  });
  assert.ok(!JSON.stringify(reply).includes(TOKEN));
  const call = redactEvent({
    kind: 'rpc.call',
    source: 'nova-novncproxy',
    topic: 'consoleauth',
    method: 'check_token',
    summary: 'call',
    detail: [TOKEN],
  });
  assert.deepEqual(call.detail, [REDACTED]);
  const other = redactEvent({
    kind: 'rpc.call',
    source: 'nova-api',
    topic: 'conductor',
    method: 'instance_get',
    summary: 'call',
    detail: [TOKEN],
  });
  assert.deepEqual(other.detail, [TOKEN], 'an instance uuid is not a secret');
  const http = redactEvent({
    kind: 'http',
    source: 'nova-api',
    summary: `GET /x?token=${TOKEN} → 200`,
    detail: { path: `/x?token=${TOKEN}` },
  });
  assert.ok(!JSON.stringify(http).includes(TOKEN));
});

test("a guest's VNC password in connect_info (get_vnc_console reply, check_token reply, step details) is redacted", () => {
  const info = { kind: 'tcp', host: '127.0.0.1', port: 5901, password: 'vncpw123' };
  for (const e of [
    {
      kind: 'rpc.reply' as const,
      source: 'nova-compute@host-a',
      topic: 'compute.host-a',
      method: 'get_vnc_console',
      summary: 'reply',
      detail: info,
    },
    {
      kind: 'rpc.reply' as const,
      source: 'nova-consoleauth',
      topic: 'consoleauth',
      method: 'check_token',
      summary: 'reply',
      detail: { instance_uuid: 'u', connect_info: info },
    },
    { kind: 'step' as const, source: 'nova-compute@host-a', summary: 'connect_info', detail: info },
  ]) {
    const out = JSON.stringify(redactEvent(e));
    assert.ok(!out.includes('vncpw123'), out);
    assert.ok(out.includes('5901'), 'the address stays: it is what the step teaches');
  }
});
