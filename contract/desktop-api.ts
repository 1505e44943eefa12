// What the Electron preload exposes to the renderer (window.novalabDesktop). The renderer
// must work without it too: in a plain browser the object is absent.

export interface QemuCheck {
  found: boolean;
  binaries: Record<string, string | null>;
  /** How to install QEMU on this OS, when something is missing. */
  install: string | null;
  accelerator: string | null;
}

export interface DesktopApi {
  readonly platform: string;
  appVersion(): Promise<string>;
  qemuCheck(): Promise<QemuCheck>;
  /** Open a URL in the system browser (only http(s) on loopback or docs). */
  openExternal(url: string): Promise<void>;
}

export const DESKTOP_CHANNELS = {
  appVersion: 'novalab:app-version',
  qemuCheck: 'novalab:qemu-check',
  openExternal: 'novalab:open-external',
} as const;
