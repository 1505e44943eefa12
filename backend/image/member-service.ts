// The image-member operations apart from HTTP: look the image up as the caller may see it,
// apply members.ts's rules, keep the member list in glance's database.
import { GlanceError } from './errors.js';
import type { Caller } from './image-record.js';
import type { ImageService } from './image-service.js';
import {
  assertMayAdd,
  assertMayChangeStatus,
  assertMemberAction,
  hasMembers,
  memberNotFound,
  newMember,
  parseMemberCreate,
  parseMemberUpdate,
  visibleMembers,
  type MemberRecord,
} from './members.js';
import type { ImageStore } from './store.js';

export class MemberService {
  constructor(
    private readonly store: ImageStore,
    private readonly images: ImageService,
  ) {}

  list(imageId: string, caller: Caller): MemberRecord[] {
    const rec = this.images.show(imageId, caller);
    assertMemberAction(caller, rec, 'list');
    return visibleMembers(caller, rec, this.store.members(imageId));
  }

  /** One membership; anything the caller may not see is a 404, as in Glance. */
  show(imageId: string, memberId: string, caller: Caller): MemberRecord {
    const rec = this.images.show(imageId, caller);
    if (!hasMembers(rec)) throw new GlanceError(404, 'Only shared images have members.');
    const found = visibleMembers(caller, rec, this.store.members(imageId)).find((m) => m.member_id === memberId);
    if (!found) throw memberNotFound(imageId, memberId);
    return found;
  }

  async add(imageId: string, body: unknown, caller: Caller): Promise<MemberRecord> {
    const memberId = parseMemberCreate(body);
    const rec = this.images.show(imageId, caller);
    assertMemberAction(caller, rec, 'create');
    const existing = this.store.members(imageId);
    assertMayAdd(existing, imageId, memberId);
    const member = newMember(imageId, memberId);
    await this.store.setMembers(imageId, [...existing, member]);
    return member;
  }

  async setStatus(imageId: string, memberId: string, body: unknown, caller: Caller): Promise<MemberRecord> {
    const status = parseMemberUpdate(body);
    const rec = this.images.show(imageId, caller);
    assertMemberAction(caller, rec, 'update');
    const existing = this.store.members(imageId);
    const found = visibleMembers(caller, rec, existing).find((m) => m.member_id === memberId);
    if (!found) throw memberNotFound(imageId, memberId);
    assertMayChangeStatus(caller, imageId, memberId);
    const changed: MemberRecord = { ...found, status, updated_at: new Date().toISOString() };
    await this.store.setMembers(
      imageId,
      existing.map((m) => (m.member_id === memberId ? changed : m)),
    );
    return changed;
  }

  async remove(imageId: string, memberId: string, caller: Caller): Promise<void> {
    const rec = this.images.show(imageId, caller);
    assertMemberAction(caller, rec, 'delete');
    const existing = this.store.members(imageId);
    if (!existing.some((m) => m.member_id === memberId)) throw memberNotFound(imageId, memberId);
    await this.store.setMembers(
      imageId,
      existing.filter((m) => m.member_id !== memberId),
    );
  }
}
