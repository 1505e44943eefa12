// The few typed methods the window may call (contract/desktop-api.ts); nothing else of
// Node or Electron reaches the page. CommonJS because sandboxed preloads cannot be ES modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopApi } from '../contract/desktop-api.js';

const channels = {
  appVersion: 'novalab:app-version',
  qemuCheck: 'novalab:qemu-check',
  openExternal: 'novalab:open-external',
} as const;

const api: DesktopApi = {
  platform: process.platform,
  appVersion: () => ipcRenderer.invoke(channels.appVersion),
  qemuCheck: () => ipcRenderer.invoke(channels.qemuCheck),
  openExternal: (url) => ipcRenderer.invoke(channels.openExternal, url),
};

contextBridge.exposeInMainWorld('novalabDesktop', api);
