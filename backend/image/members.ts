// Image members (sharing): an image whose visibility is `shared` can be offered to other
// projects. The owner adds and removes members; a member accepts or rejects, and an accepted
// image joins the member's default image list. Glance's rules and words, as pure functions.
import { badRequest, forbidden, GlanceError } from './errors.js';
import { apiTime, type Caller, type ImageRecord } from './image-record.js';

export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface MemberRecord {
  member_id: string;
  image_id: string;
  status: MemberStatus;
  created_at: string;
  updated_at: string;
}

/** Glance's default image_member_quota. */
export const MAX_MEMBERS = 128;

type Action = 'create' | 'update' | 'delete' | 'list';
const VERB: Record<Action, string> = { create: 'create', update: 'update', delete: 'delete', list: 'list' };

/** True when the image can have members at all. */
export const hasMembers = (rec: Pick<ImageRecord, 'visibility'>) => rec.visibility === 'shared';

/**
 * Glance's _check_visibility_and_ownership, with the controller's words: only shared images
 * have members; the owner adds and removes them; a member — never the owner — changes its own
 * status.
 */
export function assertMemberAction(caller: Caller, rec: Pick<ImageRecord, 'id' | 'owner' | 'visibility'>, action: Action): void {
  const refuse = () => forbidden(`Not allowed to ${VERB[action]} members for image ${rec.id}.`);
  if (!hasMembers(rec))
    throw action === 'list' ? forbidden(`Not allowed to list members for image ${rec.id}: Only shared images have members.`) : refuse();
  if (caller.is_admin || action === 'list') return;
  const owner = rec.owner !== null && rec.owner === caller.project_id;
  if ((action === 'create' || action === 'delete') && !owner) throw refuse();
  if (action === 'update' && owner) throw refuse();
}

/** modify_member policy: admin, or the member project itself. */
export function assertMayChangeStatus(caller: Caller, imageId: string, memberId: string): void {
  if (!caller.is_admin && caller.project_id !== memberId) throw forbidden(`Not allowed to update members for image ${imageId}.`);
}

/** get_member(s) policy: admin, the owner, or a member (who sees only its own membership). */
export function visibleMembers(caller: Caller, rec: Pick<ImageRecord, 'owner'>, members: MemberRecord[]): MemberRecord[] {
  if (caller.is_admin || rec.owner === caller.project_id) return members;
  return members.filter((m) => m.member_id === caller.project_id);
}

/** POST /v2/images/{id}/members body: {"member": "<project id>"}. */
export function parseMemberCreate(body: unknown): string {
  if (body === undefined) throw badRequest('Body expected in request.');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Expected a member in the form: {"member": "image_id"}');
  const o = body as Record<string, unknown>;
  if (!('member' in o)) throw badRequest('Member to be added not specified');
  if (!o.member) throw badRequest("Member can't be empty");
  if (typeof o.member !== 'string' || o.member.length > 255) throw badRequest('Expected a member in the form: {"member": "image_id"}');
  return o.member;
}

/** PUT /v2/images/{id}/members/{member} body: {"status": "accepted"}. */
export function parseMemberUpdate(body: unknown): MemberStatus {
  if (body === undefined) throw badRequest('Body expected in request.');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Expected a status in the form: {"status": "status"}');
  const o = body as Record<string, unknown>;
  if (!('status' in o)) throw badRequest('Status not specified');
  if (!(MEMBER_STATUSES as readonly unknown[]).includes(o.status))
    throw badRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".');
  return o.status as MemberStatus;
}

export function newMember(imageId: string, memberId: string, now = new Date().toISOString()): MemberRecord {
  return { member_id: memberId, image_id: imageId, status: 'pending', created_at: now, updated_at: now };
}

/** A new membership for this image, or Glance's 409 / 413. */
export function assertMayAdd(existing: MemberRecord[], imageId: string, memberId: string): void {
  if (existing.some((m) => m.member_id === memberId)) throw new GlanceError(409, `Member ${memberId} is duplicated for image ${imageId}`);
  if (existing.length >= MAX_MEMBERS)
    throw new GlanceError(
      413,
      `Image member limit exceeded for image ${imageId}: The request returned a 413 Request Entity Too Large. Maximum: ${MAX_MEMBERS}:`,
    );
}

export const memberNotFound = (imageId: string, memberId: string) =>
  new GlanceError(404, `${memberId} not found in the member list of the image ${imageId}.`);

export function toApiMember(m: MemberRecord) {
  return {
    member_id: m.member_id,
    image_id: m.image_id,
    status: m.status,
    created_at: apiTime(m.created_at),
    updated_at: apiTime(m.updated_at),
    schema: '/v2/schemas/member',
  };
}

const UUID = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

export const MEMBER_SCHEMA = {
  name: 'member',
  properties: {
    member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
    image_id: { type: 'string', description: 'An identifier for the image', pattern: UUID },
    created_at: { type: 'string', description: 'Date and time of image member creation' },
    updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
    status: { type: 'string', description: 'The status of this image member', enum: [...MEMBER_STATUSES] },
    schema: { readOnly: true, type: 'string' },
  },
  additionalProperties: false,
} as const;

/** Glance's CollectionSchema shape, shared by every list schema. */
export function collectionSchema(name: string, item: object, extra: object = {}) {
  return {
    name,
    properties: { [name]: { type: 'array', items: item }, first: { type: 'string' }, next: { type: 'string' }, schema: { type: 'string' } },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
    ...extra,
  };
}

export const MEMBERS_SCHEMA = collectionSchema('members', MEMBER_SCHEMA);
