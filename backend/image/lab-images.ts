// The lab's own guest images (built by `npm run images` into resources/images/, described by
// manifest.json) registered on start: for each entry a kernel (aki), a ramdisk (ari) and the
// bootable qcow2 that points at them, public and owned by no project.
//
// Each is found again by its `novalab_lab_image` property, so registration is idempotent across
// restarts (an unchanged source costs one stat). Image data never changes under an id — compute
// hosts cache images by id — so a rebuilt file becomes a new image (its id derived from name and
// content) and the old one is removed; the disk's kernel_id/ramdisk_id follow.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ContainerFormat, DiskFormat, ImageRecord } from './image-record.js';
import { judgeHead, readHead } from '../shared/image-inspection/inspector.js';
import type { ImageStore } from './store.js';
import { hashFile, type Received } from './upload.js';
import { openSumsCache, type SumsCache } from './lab-image-sums.js';

export interface LabManifestEntry {
  name: string;
  disk: string;
  kernel?: string;
  ramdisk?: string;
  [k: string]: unknown;
}

export interface PlannedImage {
  name: string;
  disk_format: DiskFormat;
  container_format: ContainerFormat;
  /** Relative to resources/images/. */
  source: string;
  min_ram: number;
  min_disk: number;
  properties: Record<string, string>;
  /** Properties that hold the id of another planned image, by its name (kernel_id → "<name>-kernel"). */
  refs: Record<string, string>;
}

/** The property that marks an image as one of the lab's; its value is the image's lab name. */
export const LAB_IMAGE_PROPERTY = 'novalab_lab_image';
const FILE_KEYS = new Set(['name', 'disk', 'kernel', 'ramdisk', 'min_ram', 'min_disk']);

/** A stable UUID (version-5 layout) from a lab image's name and content digest. */
export function labImageId(name: string, digest: string): string {
  const h = createHash('sha256').update(`novalab-lab-image:${name}:${digest}`).digest(); // 32 bytes
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function checkEntry(e: unknown, i: number): LabManifestEntry {
  const entry = e as LabManifestEntry;
  const where = `images manifest entry ${i}`;
  if (typeof entry?.name !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(entry.name))
    throw new Error(`${where}: name must be letters, digits, dots, dashes`);
  for (const k of ['disk', 'kernel', 'ramdisk'] as const) {
    const p = entry[k];
    if (p === undefined && k !== 'disk') continue;
    if (typeof p !== 'string' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..'))
      throw new Error(`${where} (${entry.name}): ${k} must be a path inside resources/images`);
  }
  return entry;
}

/** Pure: a manifest in, the images to register out (kernel and ramdisk before the disk that names them). */
export function planLabImages(manifest: unknown): PlannedImage[] {
  const entries = (manifest as { images?: unknown })?.images;
  if (!Array.isArray(entries)) throw new Error('images manifest: "images" must be a list');
  return entries.map(checkEntry).flatMap((e) => {
    const common: Record<string, string> = {};
    for (const k of ['architecture', 'hypervisor_type'] as const) if (typeof e[k] === 'string') common[k] = e[k] as string;
    const part = (suffix: string, fmt: 'aki' | 'ari', source: string): PlannedImage => ({
      name: `${e.name}${suffix}`,
      disk_format: fmt,
      container_format: fmt,
      source,
      min_ram: 0,
      min_disk: 0,
      properties: { ...common, [LAB_IMAGE_PROPERTY]: `${e.name}${suffix}` },
      refs: {},
    });
    const kernel = e.kernel ? part('-kernel', 'aki', e.kernel) : null;
    const ramdisk = e.ramdisk ? part('-ramdisk', 'ari', e.ramdisk) : null;
    const extra = Object.fromEntries(Object.entries(e).filter(([k, v]) => !FILE_KEYS.has(k) && typeof v === 'string')) as Record<
      string,
      string
    >;
    const disk: PlannedImage = {
      name: e.name,
      disk_format: 'qcow2',
      container_format: 'bare',
      source: e.disk,
      min_ram: typeof e.min_ram === 'number' ? e.min_ram : 0,
      min_disk: typeof e.min_disk === 'number' ? e.min_disk : 0,
      properties: { ...extra, ...common, [LAB_IMAGE_PROPERTY]: e.name },
      refs: { ...(kernel ? { kernel_id: kernel.name } : {}), ...(ramdisk ? { ramdisk_id: ramdisk.name } : {}) },
    };
    return [kernel, ramdisk, disk].filter((p): p is PlannedImage => p !== null);
  });
}

type Outcome = 'kept' | 'registered';
const findLab = (store: ImageStore, name: string) => store.all().filter((r) => r.properties[LAB_IMAGE_PROPERTY] === name && r.lab_source);

/** Keep what is there, refresh its properties, or copy a new version in (and drop the old). */
async function registerOne(
  store: ImageStore,
  root: string,
  plan: PlannedImage,
  ids: Map<string, string>,
  cache: SumsCache,
): Promise<Outcome> {
  const properties = { ...plan.properties };
  for (const [key, other] of Object.entries(plan.refs)) {
    const id = ids.get(other);
    if (id) properties[key] = id;
  }
  const st = await fs.stat(path.join(root, plan.source));
  const stamp = { path: plan.source, size: st.size, mtime_ms: st.mtimeMs };
  const current = findLab(store, plan.name).find((r) => r.status === 'active');
  if (current?.lab_source?.size === st.size && current.lab_source.mtime_ms === st.mtimeMs)
    return keep(store, current, properties, stamp, ids);
  const tmp = store.incomingPath(current?.id ?? labImageId(plan.name, 'incoming'));
  try {
    await fs.copyFile(path.join(root, plan.source), tmp, fs.constants.COPYFILE_FICLONE);
    let sums = cache.get(plan.source, st);
    if (!sums) {
      sums = await hashFile(tmp);
      cache.set(plan.source, st, sums);
    }
    if (current && current.os_hash_value === sums.os_hash_value) return await keep(store, current, properties, stamp, ids);
    await addVersion(store, plan, tmp, sums, { ...properties }, stamp, ids);
    return 'registered';
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** The copied file becomes a new image; older versions of the same lab image are removed. */
async function addVersion(
  store: ImageStore,
  plan: PlannedImage,
  tmp: string,
  sums: Received,
  properties: Record<string, string>,
  stamp: ImageRecord['lab_source'],
  ids: Map<string, string>,
): Promise<void> {
  const verdict = judgeHead(plan.disk_format, await readHead(tmp), sums.size);
  if (!verdict.ok) throw new Error(`${plan.source}: ${verdict.reason}`);
  const id = labImageId(plan.name, sums.os_hash_value);
  await fs.rename(tmp, store.dataPath(id));
  const now = new Date().toISOString();
  await store.put({
    id,
    name: plan.name,
    status: 'active',
    visibility: 'public',
    protected: false,
    os_hidden: false,
    ...sums,
    os_hash_algo: 'sha512',
    virtual_size: verdict.virtualSize,
    container_format: plan.container_format,
    disk_format: plan.disk_format,
    min_disk: plan.min_disk,
    min_ram: plan.min_ram,
    owner: null,
    created_at: now,
    updated_at: now,
    tags: [],
    properties,
    lab_source: stamp,
  });
  for (const old of findLab(store, plan.name)) if (old.id !== id) await store.remove(old.id);
  ids.set(plan.name, id);
}

async function keep(
  store: ImageStore,
  rec: ImageRecord,
  properties: Record<string, string>,
  stamp: ImageRecord['lab_source'],
  ids: Map<string, string>,
): Promise<Outcome> {
  ids.set(rec.properties[LAB_IMAGE_PROPERTY]!, rec.id); // findLab chose rec by this property
  const merged = { ...rec.properties, ...properties };
  const same = JSON.stringify(merged) === JSON.stringify(rec.properties) && JSON.stringify(stamp) === JSON.stringify(rec.lab_source);
  if (!same) await store.update(rec.id, { properties: merged, lab_source: stamp });
  return 'kept';
}

export interface LabRegistration {
  registered: string[];
  kept: string[];
  failed: { name: string; error: string }[];
}

/** Register every lab image the manifest lists; null when there is no manifest. */
export async function registerLabImages(store: ImageStore, manifestFile: string): Promise<LabRegistration | null> {
  let text: string;
  try {
    text = await fs.readFile(manifestFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const out: LabRegistration = { registered: [], kept: [], failed: [] };
  const ids = new Map<string, string>();
  const root = path.dirname(manifestFile);
  const cache = await openSumsCache(root);
  for (const plan of planLabImages(JSON.parse(text))) {
    try {
      out[await registerOne(store, root, plan, ids, cache)].push(plan.name);
    } catch (err) {
      out.failed.push({ name: plan.name, error: (err as Error).message });
    }
  }
  await cache.save();
  return out;
}
