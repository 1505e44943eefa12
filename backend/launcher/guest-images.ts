// Guest images are built from Debian packages by the project's script, not shipped in git:
// `novalab up` builds them when they are missing or stale (a few minutes, once), so a fresh
// clone boots real guests without a separate step.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { appRoot, resourcePath } from '../common/app-root.js';

const script = () => `${appRoot()}/scripts/build-images.sh`;

export function imagesCurrent(): boolean {
  if (!fs.existsSync(script())) return fs.existsSync(resourcePath('images', 'manifest.json'));
  return spawnSync('bash', [script(), '--check'], { stdio: 'ignore' }).status === 0;
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
