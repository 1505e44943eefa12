// The few typed methods the window may call (contract/desktop-api.ts); nothing else of
// Node or Electron reaches the page. CommonJS because sandboxed preloads cannot be ES modules;
// scripts/build-preload.mjs bundles the contract's channel names into it.
import { contextBridge, ipcRenderer } from 'electron';
import { DESKTOP_CHANNELS as channels, type DesktopApi } from '../contract/desktop-api.js';

const api: DesktopApi = {
  platform: process.platform,
  appVersion: () => ipcRenderer.invoke(channels.appVersion),
  qemuCheck: () => ipcRenderer.invoke(channels.qemuCheck),
  openExternal: (url) => ipcRenderer.invoke(channels.openExternal, url),
};

contextBridge.exposeInMainWorld('novalabDesktop', api);
