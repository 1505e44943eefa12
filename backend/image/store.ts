// glance-api's own store: image records in one lowdb JSON document (written atomically: a
// temporary file, then a rename), image bytes as one file per image under images/<id>.
// Uploads are written under images/.incoming/ first and renamed into place once accepted.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ImageRecord } from './image-record.js';

interface GlanceDb {
  images: Record<string, ImageRecord>;
}

export class ImageStore {
  private constructor(
    private readonly db: Low<GlanceDb>,
    readonly dataDir: string,
  ) {}

  static async open(dbFile: string, dataDir: string): Promise<ImageStore> {
    await fs.mkdir(path.dirname(dbFile), { recursive: true });
    await fs.mkdir(path.join(dataDir, '.incoming'), { recursive: true, mode: 0o700 });
    const db = new Low<GlanceDb>(new JSONFile(dbFile), { images: {} });
    await db.read();
    db.data.images ??= {};
    return new ImageStore(db, dataDir);
  }

  get(id: string): ImageRecord | undefined {
    return Object.hasOwn(this.db.data.images, id) ? this.db.data.images[id] : undefined;
  }

  all(): ImageRecord[] {
    return Object.values(this.db.data.images);
  }

  async put(rec: ImageRecord): Promise<void> {
    this.db.data.images[rec.id] = rec;
    await this.db.write();
  }

  /** Change a stored record in place (if it still exists) and persist; returns the new record. */
  async update(id: string, change: Partial<ImageRecord>): Promise<ImageRecord | undefined> {
    const rec = this.get(id);
    if (!rec) return undefined;
    Object.assign(rec, change, { updated_at: new Date().toISOString() });
    await this.db.write();
    return rec;
  }

  async remove(id: string): Promise<void> {
    delete this.db.data.images[id];
    await this.db.write();
    await fs.rm(this.dataPath(id), { force: true });
  }

  /** Where an active image's bytes live. */
  dataPath(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not an image id: ${id}`);
    return path.join(this.dataDir, id);
  }

  /** A fresh temporary file name for an upload of this image. */
  incomingPath(id: string): string {
    return path.join(this.dataDir, '.incoming', `${path.basename(this.dataPath(id))}.${randomBytes(6).toString('hex')}`);
  }

  /**
   * After a crash: uploads that were running are failed (`killed`, as Glance marks a failed
   * upload) and their temporary files removed.
   */
  async recover(): Promise<string[]> {
    const killed: string[] = [];
    for (const rec of this.all()) {
      if (rec.status === 'saving') {
        rec.status = 'killed';
        killed.push(rec.id);
      }
    }
    if (killed.length) await this.db.write();
    const incoming = path.join(this.dataDir, '.incoming');
    for (const name of await fs.readdir(incoming)) await fs.rm(path.join(incoming, name), { force: true });
    return killed;
  }
}
