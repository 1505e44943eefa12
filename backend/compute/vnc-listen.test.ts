import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseVncListen, proxyDialHost, type VncListenInput } from './vnc-listen.js';

const base: VncListenInput = { listen: '127.0.0.1', unixSocket: true, platform: 'linux' };

const cases: [string, Partial<VncListenInput>, string, string?][] = [
  ['the default on Linux: a unix socket', {}, 'unix'],
  ['macOS has unix sockets too', { platform: 'darwin' }, 'unix'],
  ['another loopback address or ::1: still a unix socket', { listen: '::1' }, 'unix'],
  ['Windows: TCP with a password (QEMU there has no unix-socket VNC)', { platform: 'win32' }, 'tcp', '127.0.0.1'],
  ['a LAN address (a proxy on another machine): TCP with a password', { listen: '192.168.10.5' }, 'tcp', '192.168.10.5'],
  ['every interface: TCP with a password', { listen: '0.0.0.0' }, 'tcp', '0.0.0.0'],
  ['asked for TCP on loopback (vnc_unix_socket = false): TCP with a password', { unixSocket: false }, 'tcp', '127.0.0.1'],
];

for (const [name, over, kind, host] of cases) {
  test(name, () => {
    const v = chooseVncListen({ ...base, ...over });
    assert.equal(v.kind, kind);
    if (v.kind === 'tcp') {
      assert.equal(v.host, host);
      assert.match(v.why, /password/);
    }
  });
}

test('the proxy dials the address QEMU reports, or vncserver_proxyclient_address when QEMU listens on every interface', () => {
  assert.equal(proxyDialHost('127.0.0.1', '10.0.0.2'), '127.0.0.1');
  assert.equal(proxyDialHost('192.168.10.5', '10.0.0.2'), '192.168.10.5');
  assert.equal(proxyDialHost('0.0.0.0', '192.168.10.5'), '192.168.10.5');
  assert.equal(proxyDialHost('::', '192.168.10.5'), '192.168.10.5');
  assert.equal(proxyDialHost('[::]', '192.168.10.5'), '192.168.10.5');
});
