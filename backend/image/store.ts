// glance-api's own store: image records in one lowdb JSON document (written durably: a
// temporary file, fsync, then a rename; a missing — after the first start — corrupt or
// foreign file is refused), image bytes as one file per image under images/<id>.
// Uploads are written under images/.incoming/ first and renamed into place once accepted.
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Low } from 'lowdb';
import { openJsonDb, shape, type JsonDbSpec } from '../common/json-db.js';
import type { ImageRecord } from './image-record.js';
import type { MemberRecord } from './members.js';
import { emptyMetadefs, type MetadefsDb } from './metadefs/model.js';

interface GlanceDb {
  images: Record<string, ImageRecord>;
  /** Image id → its members (absent in databases written before sharing existed). */
  members?: Record<string, MemberRecord[]>;
  /** Metadata definitions (absent until first used; then seeded with the lab's resource types). */
  metadefs?: MetadefsDb;
}

/** Pure: what makes a parsed document not glance's database. */
export function glanceShapeProblems(doc: unknown): string[] {
  if (!shape.isObject(doc)) return [`the document is ${Array.isArray(doc) ? 'a list' : doc === null ? 'null' : typeof doc}, not an object`];
  return shape.fields(doc, [], ['images', 'members', 'metadefs'], ['images']);
}

/** Image files stored beside a missing database: it existed (their records would be lost). */
function imageFilesEvidence(dataDir: string): string | null {
  let n: number;
  try {
    n = fsSync.readdirSync(dataDir).filter((f) => /^[0-9a-f-]{36}$/.test(f)).length;
  } catch {
    return null;
  }
  return n ? `${n} image file${n === 1 ? ' is' : 's are'} under ${dataDir}` : null;
}

export class ImageStore {
  private constructor(
    private readonly db: Low<GlanceDb>,
    readonly dataDir: string,
  ) {}

  static async open(dbFile: string, dataDir: string, opts: Pick<JsonDbSpec<GlanceDb>, 'marker' | 'stateDir'> = {}): Promise<ImageStore> {
    await fs.mkdir(path.join(dataDir, '.incoming'), {
      recursive: true,
      mode: 0o700,
    });
    const db = await openJsonDb<GlanceDb>({
      file: dbFile,
      what: "glance's database",
      empty: () => ({ images: {} }),
      shapeProblems: glanceShapeProblems,
      ...opts,
      evidence: () => imageFilesEvidence(dataDir),
    });
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

  /** The image's members, oldest first. */
  members(imageId: string): MemberRecord[] {
    const all = this.db.data.members ?? {};
    return Object.hasOwn(all, imageId) ? all[imageId]! : [];
  }

  /** This project's membership of the image, if it has one. */
  membership(imageId: string, projectId: string): MemberRecord | undefined {
    return this.members(imageId).find((m) => m.member_id === projectId);
  }

  /** Replace the image's member list and persist. */
  async setMembers(imageId: string, members: MemberRecord[]): Promise<void> {
    const all = (this.db.data.members ??= {});
    if (members.length) all[imageId] = members;
    else delete all[imageId];
    await this.db.write();
  }

  /** The metadata definitions as stored; callers change a copy and hand it to saveMetadefs. */
  metadefs(): MetadefsDb {
    return (this.db.data.metadefs ??= emptyMetadefs());
  }

  async saveMetadefs(next: MetadefsDb): Promise<void> {
    this.db.data.metadefs = next;
    await this.db.write();
  }

  async remove(id: string): Promise<void> {
    delete this.db.data.images[id];
    if (this.db.data.members) delete this.db.data.members[id];
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
