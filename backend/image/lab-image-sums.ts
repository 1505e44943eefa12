// Checksums of the lab's image files, remembered beside them (resources/images/.cache), so a
// new lab — a fresh state directory — copies its images in without reading ~50 MB through md5
// and sha512 again: that was most of glance-api's start-up CPU. Keyed by the stamp registration
// already trusts (path, size, mtime) plus the inode. Whoever can rewrite this file can rewrite
// the images beside it, so it is trusted as much as they are. Unwritable (an installed app):
// the sums are computed each time, as before.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import type { Received } from './upload.js';

export interface SumsCache {
  get(source: string, st: Stats): Received | null;
  set(source: string, st: Stats, sums: Received): void;
  save(): Promise<void>;
}

export const sumsKey = (source: string, st: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): string =>
  `${source}:${st.size}:${st.mtimeMs}:${st.ino}`;

const isSums = (v: unknown, size: number): v is Received => {
  const r = v as Received;
  return r?.size === size && /^[0-9a-f]{32}$/.test(String(r.checksum)) && /^[0-9a-f]{128}$/.test(String(r.os_hash_value));
};

export async function openSumsCache(imagesDir: string): Promise<SumsCache> {
  const file = path.join(imagesDir, '.cache', 'lab-image-sums.json');
  let entries: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entries = parsed as Record<string, unknown>;
  } catch {
    /* none yet, or unreadable: start empty */
  }
  let dirty = false;
  return {
    get(source, st) {
      const v = entries[sumsKey(source, st)];
      return isSums(v, st.size) ? v : null;
    },
    set(source, st, sums) {
      // Only the current stamp of each file is worth keeping.
      for (const k of Object.keys(entries)) if (k.startsWith(`${source}:`)) delete entries[k];
      entries[sumsKey(source, st)] = sums;
      dirty = true;
    },
    async save() {
      if (!dirty) return;
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(tmp, JSON.stringify(entries));
        await fs.rename(tmp, file);
        dirty = false;
      } catch {
        await fs.rm(tmp, { force: true }).catch(() => undefined); // read-only resources: no cache
      }
    },
  };
}
