// Who may see and change an image — Glance's default policies, as pure functions.
// There is no image-member API in the lab, so a `shared` image is seen by its owner only.
import type { Caller, ImageRecord, Visibility } from './image-record.js';

const owns = (caller: Caller, rec: Pick<ImageRecord, 'owner'>) => rec.owner !== null && rec.owner === caller.project_id;

/** GET by id, download: admin sees everything; others see public, community and their own. */
export function canSee(caller: Caller, rec: Pick<ImageRecord, 'owner' | 'visibility'>): boolean {
  return caller.is_admin || rec.visibility === 'public' || rec.visibility === 'community' || owns(caller, rec);
}

/** PATCH, DELETE, upload: admin, or the owning project. */
export function canModify(caller: Caller, rec: Pick<ImageRecord, 'owner'>): boolean {
  return caller.is_admin || owns(caller, rec);
}

/**
 * The default list (no `visibility` filter): what the caller may see, minus community images of
 * other projects (Glance lists those only when asked for visibility=community or =all).
 */
export function inDefaultList(caller: Caller, rec: Pick<ImageRecord, 'owner' | 'visibility'>): boolean {
  if (rec.visibility === 'community') return owns(caller, rec);
  return canSee(caller, rec);
}

/** The list filtered by `visibility=<v>` (or `all`). */
export function inVisibilityList(caller: Caller, rec: Pick<ImageRecord, 'owner' | 'visibility'>, wanted: Visibility | 'all'): boolean {
  if (!canSee(caller, rec)) return false;
  return wanted === 'all' || rec.visibility === wanted;
}
