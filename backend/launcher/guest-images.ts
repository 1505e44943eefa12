// Guest images are built from Debian packages by the project's scripts, not shipped in git:
// `novalab up` builds them when they are missing or stale (a few minutes, once), so a fresh
// clone boots real guests without a separate step. The whole-disk images (booted through the
// firmware) come second and are optional: without them the lab still runs, minus those two.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { appRoot, resourcePath } from '../common/app-root.js';

const script = () => `${appRoot()}/scripts/build-images.sh`;
const diskScript = () => `${appRoot()}/scripts/build-disk-images.sh`;

const current = (file: string) =>
  new Promise<boolean>((resolve) => {
    const child = spawn('bash', [file, '--check'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });

/** Asynchronous, so the launcher checks its ports meanwhile. */
export async function imagesCurrent(): Promise<boolean> {
  if (!fs.existsSync(script())) return fs.existsSync(resourcePath('images', 'manifest.json'));
  const [kernels, disks] = await Promise.all([current(script()), fs.existsSync(diskScript()) ? current(diskScript()) : true]);
  return kernels && disks;
}

function run(file: string, print: (line: string) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n')) if (l.trim()) print(`images: ${l}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  });
}

export async function buildImages(print: (line: string) => void): Promise<void> {
  print('novalab: building the guest images from Debian packages (once; a few minutes)…');
  const code = await run(script(), print);
  if (code !== 0) throw new Error(`building the guest images failed (exit ${code}); run npm run images to see why`);
  if (!fs.existsSync(diskScript())) return;
  const disks = await run(diskScript(), print);
  if (disks !== 0) print(`novalab: the whole-disk images were not built (exit ${disks}); run npm run images to see why`);
}
