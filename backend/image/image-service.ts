// The image API's operations, apart from HTTP: who may do what, status changes, and the
// upload → inspect → keep sequence. Routes translate requests into these calls.
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { badRequest, conflict, forbidden, GlanceError, imageNotFound } from './errors.js';
import { imageFromCreate, type Caller, type ImageRecord } from './image-record.js';
import { applyPatch, parsePatch, type PatchDraft } from './json-patch.js';
import { listImages, parseListQuery, type ListPage, type RawQuery } from './list-query.js';
import { inspectImageFile, type QemuImgRunner, type Verdict } from '../shared/image-inspection/inspector.js';
import { receiveToFile, tooLarge, type Received } from './upload.js';
import { canModify, canSee } from './visibility.js';
import type { ImageStore } from './store.js';

export interface ImageServiceDeps {
  store: ImageStore;
  qemuImg: QemuImgRunner;
  sizeCap: number;
  /** Upload progress, about every MiB (the bus event the GUI draws). */
  onProgress?: (rec: ImageRecord, bytes: number, total: number | null) => void;
  warn?: (msg: string) => void;
}

export interface Download {
  file: string;
  size: number;
  checksum: string | null;
}

export class ImageService {
  constructor(private readonly deps: ImageServiceDeps) {}

  private get store() {
    return this.deps.store;
  }

  /** The image if this caller may see it; 404 otherwise (never reveal another project's image). */
  show(id: string, caller: Caller): ImageRecord {
    const rec = this.store.get(id);
    if (!rec || !canSee(caller, rec, this.store.membership(id, caller.project_id)?.status)) throw imageNotFound(id);
    return rec;
  }

  private modifiable(id: string, caller: Caller, action: string): ImageRecord {
    const rec = this.show(id, caller);
    if (!canModify(caller, rec)) throw forbidden(`You are not permitted to ${action} image ${id}.`);
    return rec;
  }

  list(query: RawQuery, caller: Caller): ListPage {
    const membershipOf = (imageId: string) => this.store.membership(imageId, caller.project_id)?.status;
    return listImages(this.store.all(), parseListQuery(query), caller, query, membershipOf);
  }

  async create(body: unknown, caller: Caller): Promise<ImageRecord> {
    const rec = imageFromCreate(body, caller);
    if (this.store.get(rec.id)) throw conflict(`Image with identifier ${rec.id} already exists!`);
    await this.store.put(rec);
    return rec;
  }

  async patch(id: string, body: unknown, caller: Caller, draft: PatchDraft = 10): Promise<ImageRecord> {
    const ops = parsePatch(body, draft);
    const next = applyPatch(this.modifiable(id, caller, 'modify'), ops, caller);
    await this.store.put(next);
    return next;
  }

  /** PUT / DELETE /v2/images/{id}/tags/{tag} (OSC's `image set --tag`, `image unset --tag`). */
  async tag(id: string, tag: string, caller: Caller, present: boolean): Promise<void> {
    const rec = this.show(id, caller);
    if (!present && !rec.tags.includes(tag)) throw new GlanceError(404, `Tag ${tag} not found on image ${id}.`);
    const tags = present ? [...new Set([...rec.tags, tag])] : rec.tags.filter((t) => t !== tag);
    await this.patch(id, [{ op: 'replace', path: '/tags', value: tags }], caller);
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const rec = this.modifiable(id, caller, 'delete');
    if (rec.protected) throw forbidden(`Image ${id} is protected and cannot be deleted.`);
    await this.store.remove(id);
  }

  /**
   * POST /actions/deactivate and /actions/reactivate: active ⇄ deactivated (each a no-op when
   * already there), by the owner or an admin. A deactivated image's data is refused to all but
   * admins, so nothing boots from it until it is reactivated.
   */
  async setActive(id: string, caller: Caller, active: boolean): Promise<void> {
    const action = active ? 'reactivate' : 'deactivate';
    const rec = this.show(id, caller);
    if (!canModify(caller, rec)) throw forbidden(`You are not authorized to complete ${action} action.`);
    const [from, to] = active ? (['deactivated', 'active'] as const) : (['active', 'deactivated'] as const);
    if (rec.status === to) return;
    if (rec.status !== from) throw forbidden(`Not allowed to ${action} image in status '${rec.status}'`);
    await this.store.update(id, { status: to });
  }

  download(id: string, caller: Caller): Download | null {
    const rec = this.show(id, caller);
    if (rec.status === 'deactivated' && !caller.is_admin)
      throw forbidden('The requested image has been deactivated. Image data download is forbidden.');
    if ((rec.status !== 'active' && rec.status !== 'deactivated') || rec.size === null) return null;
    return { file: this.store.dataPath(id), size: rec.size, checksum: rec.checksum };
  }

  /** PUT /file: queued → saving → active; refused data → back to queued; a broken transfer → killed. */
  async upload(id: string, caller: Caller, source: Readable, declaredLength: number | null): Promise<void> {
    const rec = this.modifiable(id, caller, 'upload data for');
    if (rec.status !== 'queued')
      throw conflict(`Image status transition from ${rec.status} to saving is not allowed: data can only be uploaded to a queued image.`);
    if (!rec.disk_format || !rec.container_format)
      throw badRequest('Properties disk_format, container_format must be set prior to saving data.');
    if (declaredLength !== null && declaredLength > this.deps.sizeCap) throw tooLarge(this.deps.sizeCap);
    await this.store.update(id, { status: 'saving' });
    const tmp = this.store.incomingPath(id);
    let received: Received;
    try {
      received = await receiveToFile(source, tmp, {
        maxBytes: this.deps.sizeCap,
        onProgress: (bytes) => this.deps.onProgress?.(rec, bytes, declaredLength),
      });
    } catch (err) {
      const refused = err instanceof GlanceError;
      await this.store.update(id, { status: refused ? 'queued' : 'killed' });
      throw refused ? err : new GlanceError(400, `The upload of image ${id} failed: ${(err as Error).message}`);
    }
    const verdict = await this.inspect(tmp, rec, received.size);
    if (!verdict.ok) {
      await fs.rm(tmp, { force: true });
      await this.store.update(id, { status: 'queued' });
      throw badRequest(verdict.reason);
    }
    await this.keep(id, tmp, received, verdict.virtualSize);
  }

  private async inspect(tmp: string, rec: ImageRecord, size: number): Promise<Verdict> {
    try {
      return await inspectImageFile(tmp, rec.disk_format!, size, this.deps.qemuImg);
    } catch (err) {
      return { ok: false, reason: `Image could not be inspected: ${(err as Error).message}` };
    }
  }

  private async keep(id: string, tmp: string, received: Received, virtualSize: number): Promise<void> {
    const gone = () =>
      new GlanceError(410, `Image ${id} could not be found after upload. The image may have been deleted during the upload.`);
    if (!this.store.get(id)) {
      await fs.rm(tmp, { force: true });
      throw gone();
    }
    await fs.rename(tmp, this.store.dataPath(id));
    const kept = await this.store.update(id, { status: 'active', ...received, os_hash_algo: 'sha512', virtual_size: virtualSize });
    if (!kept) {
      await fs.rm(this.store.dataPath(id), { force: true });
      throw gone();
    }
  }
}
