// Who may see and change an image — Glance's default policies, as pure functions. `membership`
// is the caller's membership of the image (members.ts), when it has one.
import type { Caller, ImageRecord, Visibility } from './image-record.js';
import type { MemberStatus } from './members.js';

type Seen = Pick<ImageRecord, 'owner' | 'visibility'>;
/** The `member_status` list filter: one status, or all of them. */
export type MemberStatusFilter = MemberStatus | 'all';

const owns = (caller: Caller, rec: Pick<ImageRecord, 'owner'>) => rec.owner !== null && rec.owner === caller.project_id;

/**
 * GET by id, download: admin sees everything; others see public, community, their own, and
 * shared images they are a member of, whatever the membership's status (so they can accept it).
 */
export function canSee(caller: Caller, rec: Seen, membership?: MemberStatus): boolean {
  if (caller.is_admin || rec.visibility === 'public' || rec.visibility === 'community' || owns(caller, rec)) return true;
  return rec.visibility === 'shared' && membership !== undefined;
}

/** PATCH, DELETE, upload, deactivate: admin, or the owning project. */
export function canModify(caller: Caller, rec: Pick<ImageRecord, 'owner'>): boolean {
  return caller.is_admin || owns(caller, rec);
}

/** In a list, another project's shared image shows only with the asked-for member status (default accepted). */
function listedAsMember(caller: Caller, rec: Seen, membership: MemberStatus | undefined, wanted: MemberStatusFilter): boolean {
  if (caller.is_admin || owns(caller, rec) || rec.visibility !== 'shared') return true;
  return membership !== undefined && (wanted === 'all' || membership === wanted);
}

/**
 * The default list (no `visibility` filter): what the caller may see, minus community images of
 * other projects (Glance lists those only when asked for visibility=community or =all).
 */
export function inDefaultList(caller: Caller, rec: Seen, membership?: MemberStatus, wanted: MemberStatusFilter = 'accepted'): boolean {
  if (rec.visibility === 'community') return owns(caller, rec);
  return canSee(caller, rec, membership) && listedAsMember(caller, rec, membership, wanted);
}

/** The list filtered by `visibility=<v>` (or `all`). */
export function inVisibilityList(
  caller: Caller,
  rec: Seen,
  wanted: Visibility | 'all',
  membership?: MemberStatus,
  memberStatus: MemberStatusFilter = 'accepted',
): boolean {
  if (!canSee(caller, rec, membership) || !listedAsMember(caller, rec, membership, memberStatus)) return false;
  return wanted === 'all' || rec.visibility === wanted;
}
