// The lab's own guest images (built by `npm run images` into resources/images/, described by
// manifest.json) registered on start: for each entry a kernel (aki), a ramdisk (ari) and the
// bootable qcow2 that points at them. Ids are derived from the names, so registration is
// idempotent across restarts; an image is copied again only when its source file changed.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ContainerFormat, DiskFormat, ImageRecord } from './image-record.js';
import { judgeHead, readHead } from './inspector.js';
import type { ImageStore } from './store.js';
import { hashFile } from './upload.js';

export interface LabManifestEntry {
  name: string;
  disk: string;
  kernel?: string;
  ramdisk?: string;
  [k: string]: unknown;
}

export interface PlannedImage {
  id: string;
  name: string;
  disk_format: DiskFormat;
  container_format: ContainerFormat;
  /** Relative to resources/images/. */
  source: string;
  min_ram: number;
  min_disk: number;
  properties: Record<string, string>;
}

/** The property that marks an image as one of the lab's. */
export const LAB_IMAGE_PROPERTY = 'novalab_lab_image';
const FILE_KEYS = new Set(['name', 'disk', 'kernel', 'ramdisk', 'min_ram', 'min_disk']);

/** A stable UUID (version-5 layout) for a lab image name. */
export function labImageId(name: string): string {
  const h = createHash('sha256').update(`novalab-lab-image:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function checkEntry(e: unknown, i: number): LabManifestEntry {
  const entry = e as LabManifestEntry;
  const where = `images manifest entry ${i}`;
  if (typeof entry?.name !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(entry.name)) throw new Error(`${where}: name must be letters, digits, dots, dashes`);
  for (const k of ['disk', 'kernel', 'ramdisk'] as const) {
    const p = entry[k];
    if (p === undefined && k !== 'disk') continue;
    if (typeof p !== 'string' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) throw new Error(`${where} (${entry.name}): ${k} must be a path inside resources/images`);
  }
  return entry;
}

/** Pure: a manifest in, the images to register out (kernel and ramdisk before the disk that names them). */
export function planLabImages(manifest: unknown): PlannedImage[] {
  const entries = (manifest as { images?: unknown })?.images;
  if (!Array.isArray(entries)) throw new Error('images manifest: "images" must be a list');
  return entries.map(checkEntry).flatMap((e) => {
    const common: Record<string, string> = { [LAB_IMAGE_PROPERTY]: e.name };
    for (const k of ['architecture', 'hypervisor_type'] as const) if (typeof e[k] === 'string') common[k] = e[k] as string;
    const part = (suffix: string, fmt: 'aki' | 'ari', source: string): PlannedImage => ({
      id: labImageId(`${e.name}${suffix}`), name: `${e.name}${suffix}`, disk_format: fmt, container_format: fmt,
      source, min_ram: 0, min_disk: 0, properties: { ...common },
    });
    const kernel = e.kernel ? part('-kernel', 'aki', e.kernel) : null;
    const ramdisk = e.ramdisk ? part('-ramdisk', 'ari', e.ramdisk) : null;
    const extra = Object.fromEntries(Object.entries(e).filter(([k, v]) => !FILE_KEYS.has(k) && typeof v === 'string')) as Record<string, string>;
    const disk: PlannedImage = {
      id: labImageId(e.name), name: e.name, disk_format: 'qcow2', container_format: 'bare', source: e.disk,
      min_ram: typeof e.min_ram === 'number' ? e.min_ram : 0,
      min_disk: typeof e.min_disk === 'number' ? e.min_disk : 0,
      properties: {
        ...extra, ...common,
        ...(kernel ? { kernel_id: kernel.id } : {}),
        ...(ramdisk ? { ramdisk_id: ramdisk.id } : {}),
      },
    };
    return [kernel, ramdisk, disk].filter((p): p is PlannedImage => p !== null);
  });
}

async function registerOne(store: ImageStore, root: string, plan: PlannedImage): Promise<'kept' | 'registered'> {
  const source = path.join(root, plan.source);
  const st = await fs.stat(source);
  const existing = store.get(plan.id);
  const same = existing?.lab_source && existing.lab_source.size === st.size && existing.lab_source.mtime_ms === st.mtimeMs;
  if (existing && existing.status === 'active' && same) return 'kept';
  const tmp = store.incomingPath(plan.id);
  await fs.copyFile(source, tmp, fs.constants.COPYFILE_FICLONE);
  try {
    const verdict = judgeHead(plan.disk_format, await readHead(tmp), st.size);
    if (!verdict.ok) throw new Error(`${plan.source}: ${verdict.reason}`);
    const sums = await hashFile(tmp);
    await fs.rename(tmp, store.dataPath(plan.id));
    const now = new Date().toISOString();
    const rec: ImageRecord = {
      id: plan.id, name: plan.name, status: 'active', visibility: 'public', protected: false, os_hidden: false,
      ...sums, os_hash_algo: 'sha512', virtual_size: verdict.virtualSize,
      container_format: plan.container_format, disk_format: plan.disk_format,
      min_disk: plan.min_disk, min_ram: plan.min_ram, owner: null,
      created_at: existing?.created_at ?? now, updated_at: now, tags: [],
      properties: { ...(existing?.properties ?? {}), ...plan.properties },
      lab_source: { path: plan.source, size: st.size, mtime_ms: st.mtimeMs },
    };
    await store.put(rec);
    return 'registered';
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Register every lab image the manifest lists; null when there is no manifest. */
export interface LabRegistration { registered: string[]; kept: string[]; failed: { name: string; error: string }[] }

export async function registerLabImages(store: ImageStore, manifestFile: string): Promise<LabRegistration | null> {
  let text: string;
  try {
    text = await fs.readFile(manifestFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const plans = planLabImages(JSON.parse(text));
  const out: LabRegistration = { registered: [], kept: [], failed: [] };
  for (const plan of plans) {
    try {
      out[await registerOne(store, path.dirname(manifestFile), plan)].push(plan.name);
    } catch (err) {
      out.failed.push({ name: plan.name, error: (err as Error).message });
    }
  }
  return out;
}
