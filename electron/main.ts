// The desktop shell, kept thin: one instance, one secure window onto the lab's GUI, the lab
// backend as a child process, and a quit that waits until every service and guest stopped.
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESKTOP_CHANNELS } from '../contract/desktop-api.js';
import { findQemu } from './qemu-check.js';
import { startBackend, type Backend } from './backend-process.js';
import { allowedExternal, allowedNavigation, contentSecurityPolicy } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.join(here, '..', '..');
let backend: Backend | null = null;
let win: BrowserWindow | null = null;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app
    .whenReady()
    .then(start)
    .catch((err: Error) => {
      dialog.showErrorBox('novalab could not start', err.message);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  const qemu = findQemu();
  if (!qemu.found) {
    await dialog.showMessageBox({
      type: 'warning',
      title: 'QEMU is missing',
      message: 'novalab needs QEMU to boot its lab guests.',
      detail: qemu.install ?? '',
    });
  }
  ipcMain.handle(DESKTOP_CHANNELS.appVersion, () => app.getVersion());
  ipcMain.handle(DESKTOP_CHANNELS.qemuCheck, () => findQemu());
  ipcMain.handle(DESKTOP_CHANNELS.openExternal, (_e, url: string) => (allowedExternal(url) ? shell.openExternal(url) : undefined));

  backend = await startBackend(path.join(appRoot, 'bin', 'novalab.js'), process.env);
  const gui = new URL(backend.url).origin;
  const consoleOrigin = backend.consoleOrigin;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(gui, consoleOrigin)] } });
  });
  const webPreferences = {
    contextIsolation: true,
    sandbox: true,
    webSecurity: true,
    nodeIntegration: false,
    preload: path.join(here, 'preload.cjs'),
  };
  // Kept where a test driving the main process can read what the window was given.
  (globalThis as { novalabWebPreferences?: unknown }).novalabWebPreferences = webPreferences;
  win = new BrowserWindow({ width: 1280, height: 860, title: 'novalab', webPreferences });
  win.webContents.on('will-navigate', (e, url) => {
    if (!allowedNavigation(url, gui)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (allowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  await win.loadURL(backend.url);
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  event.preventDefault();
  quitting = true;
  // The backend stops its services; nova-compute stops its guests first.
  backend.stop().finally(() => app.quit());
});
