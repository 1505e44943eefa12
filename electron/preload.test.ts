// The built preload as Electron's sandbox runs it: one CommonJS file that requires nothing but
// 'electron', exposing window.novalabDesktop with the contract's channel names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { DESKTOP_CHANNELS, type DesktopApi } from '../contract/desktop-api.js';

const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload.cjs');

test('the preload requires only electron and invokes the channels the contract names', async () => {
  const required: string[] = [];
  const invoked: string[] = [];
  let exposed: { name: string; api: DesktopApi } | null = null;
  const electron = {
    contextBridge: {
      exposeInMainWorld: (name: string, api: DesktopApi) => {
        exposed = { name, api };
      },
    },
    ipcRenderer: {
      invoke: async (channel: string) => {
        invoked.push(channel);
        return null;
      },
    },
  };
  const module = { exports: {} };
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  vm.runInNewContext(fs.readFileSync(preload, 'utf8'), {
    require: sandboxRequire,
    module,
    exports: module.exports,
    process: { platform: 'linux' },
  });
  assert.deepEqual([...new Set(required)], ['electron']);
  const got = exposed as { name: string; api: DesktopApi } | null;
  assert.equal(got?.name, 'novalabDesktop');
  await got!.api.appVersion();
  await got!.api.qemuCheck();
  await got!.api.openExternal('https://docs.openstack.org/');
  assert.deepEqual(invoked, [DESKTOP_CHANNELS.appVersion, DESKTOP_CHANNELS.qemuCheck, DESKTOP_CHANNELS.openExternal]);
});
