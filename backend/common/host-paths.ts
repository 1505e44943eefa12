// API answers never show where things live on the host: an error text that names a file of
// the state directory, the app, the user's home or a system folder tells a guest's user about
// the laptop and its layout. The full text goes to the service's log; the answer keeps only a
// file's last name ("Could not open 'abc.incoming'"), enough to tell what went wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appRoot } from './app-root.js';

/** First segments of absolute paths that are surely the host's, whatever the roots below. */
const SYSTEM_TOPS = [
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'media',
  'mnt',
  'opt',
  'private',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
  'Users',
  'Library',
  'Volumes',
  'Applications',
  'System',
  'nix',
  'snap',
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path goes on while its characters could be a file name's (a quote, a space or a ':' followed by a space ends it). */
const REST = String.raw`(?:[\\/][^\s'"\`<>()\[\]{},;|]*)?`;

/**
 * Pure: `text` with every absolute path under `roots`, any system folder, or a Windows drive
 * replaced by its last name. URL paths of the APIs ("/v2.1/servers/x") are left alone: their
 * first segment is none of these.
 */
export function hidePathsIn(text: string, roots: readonly string[]): string {
  const prefixes = [...new Set(roots.filter((r) => r && r.length > 1).map((r) => r.replace(/[\\/]+$/, '')))]
    .sort((a, b) => b.length - a.length)
    .map(escape);
  const unix = `/(?:${SYSTEM_TOPS.join('|')})(?=[\\\\/]|$|[\\s'"\`:])`;
  const drive = String.raw`[A-Za-z]:(?=[\\/])`;
  const starts = [...prefixes, unix, drive].join('|');
  // A path starts at the beginning, after whitespace, a quote, '(', '=' or 'file://'.
  const re = new RegExp(`(^|[\\s'"\`(=]|file://)((?:${starts})${REST})`, 'g');
  return text.replace(re, (_m, lead: string, p: string) => {
    // A stack frame's "file.js:12:5" keeps its position; the last name is what remains.
    const name = p.split(/[\\/]/).filter(Boolean).pop() ?? '';
    return `${lead === 'file://' ? '' : lead}${name || '…'}`;
  });
}

let processRoots: string[] | null = null;

const realOr = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
};

/** The roots this process knows: its state directory, the app and its modules, the working folder, home, temp. */
function rootsOfThisProcess(): string[] {
  if (!processRoots) {
    let app: string[] = [];
    try {
      app = [appRoot(), realOr(appRoot()), realOr(path.join(appRoot(), 'node_modules'))];
    } catch {
      /* not inside the app */
    }
    processRoots = [process.env.NOVALAB_STATE_DIR ?? '', ...app, process.cwd(), os.homedir(), os.tmpdir()]
      .filter(Boolean)
      .map((r) => path.resolve(r));
    if (process.env.NOVALAB_STATE_DIR) processRoots.push(realOr(process.env.NOVALAB_STATE_DIR));
  }
  return processRoots;
}

/** `hidePathsIn` with this process's roots: for every text an API answer carries. */
export const hidePaths = (text: string): string => hidePathsIn(text, rootsOfThisProcess());
