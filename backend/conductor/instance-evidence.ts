// A lab that has instance directories on its hosts had a nova database: if the file is gone,
// starting empty would orphan those disks (and their guests) without a word.
import fs from 'node:fs';
import { hostPaths, type StatePaths } from '../config/state-dir.js';

/** "2 instance directories under …/hosts", or null when no host has any. */
export function instanceDisksEvidence(paths: StatePaths): string | null {
  let hosts: string[];
  try {
    hosts = fs.readdirSync(paths.hosts);
  } catch {
    return null;
  }
  let count = 0;
  for (const h of hosts) {
    try {
      count += fs.readdirSync(hostPaths(paths, h).instances).length;
    } catch {
      /* not a host folder */
    }
  }
  return count ? `${count} instance director${count === 1 ? 'y is' : 'ies are'} under ${paths.hosts}` : null;
}
