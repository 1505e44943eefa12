// Lay out a lab's state directory on start: folders, nova.conf (written with comments the
// first time, respected afterwards), secrets (owner-only), openrc and clouds.yaml.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { statePaths, secretFile, type StatePaths } from '../config/state-dir.js';
import { ensureNovaConf } from '../config/nova-conf.js';

export function prepareStateDir(root: string): StatePaths {
  const paths = statePaths(root);
  fs.mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  for (const dir of [paths.logs, paths.images, paths.instances, paths.hosts]) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  ensureNovaConf(paths.novaConf);
  ensureSecret(secretFile(paths, 'metadata-hmac'));
  return paths;
}

/** Create a random secret file once, owner-only; O_EXCL keeps concurrent starters from racing. */
export function ensureSecret(file: string): string {
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** A fresh control secret for each run of `novalab up` (status and down read it). */
export function writeControlSecret(paths: StatePaths): string {
  const secret = randomBytes(24).toString('hex');
  fs.writeFileSync(secretFile(paths, 'control'), secret, { mode: 0o600 });
  return secret;
}
