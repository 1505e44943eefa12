// Where the installed app's own files are (resources/, dist/): found by walking up to the
// package.json, so it works from sources (tsx), from dist/, and inside an installer bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function appRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'resources'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('novalab: cannot find the app root (package.json beside resources/)');
    dir = up;
  }
  cached = dir;
  return dir;
}

export const resourcePath = (...parts: string[]) => path.join(appRoot(), 'resources', ...parts);
export const distPath = (...parts: string[]) => path.join(appRoot(), 'dist', ...parts);
