// Guest images are built from Debian packages by the project's script, not shipped in git:
// `novalab up` builds them when they are missing or stale (a few minutes, once), so a fresh
// clone boots real guests without a separate step.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { appRoot, resourcePath } from '../common/app-root.js';

const script = () => `${appRoot()}/scripts/build-images.sh`;

/** Asynchronous, so the launcher checks its ports meanwhile. */
export function imagesCurrent(): Promise<boolean> {
  if (!fs.existsSync(script())) return Promise.resolve(fs.existsSync(resourcePath('images', 'manifest.json')));
  return new Promise((resolve) => {
    const child = spawn('bash', [script(), '--check'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

export function buildImages(print: (line: string) => void): Promise<void> {
  print('novalab: building the guest images from Debian packages (once; a few minutes)…');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script()], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n')) if (l.trim()) print(`images: ${l}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the guest images failed (exit ${code}); run npm run images to see why`)),
    );
  });
}
