// Which instances a server list asks for (GET /servers filters), as data, so that nova-conductor
// can filter and cut the page where the instances are, and only the page crosses the bus.
import type { Instance, TaskState, VmState } from '../../contract/model.js';

export interface InstanceMatch {
  project_id?: string;
  /** A regex, as Nova's name filter. */
  name?: string;
  vm_state?: VmState;
  /** With vm_state: the task states that give the asked-for status, or those that do not. */
  task_state_in?: TaskState[];
  task_state_not_in?: TaskState[];
  host?: string;
  node?: string;
  include_deleted?: boolean;
  image?: string;
  flavor?: string;
  reservation_id?: string;
  availability_zone?: string;
  /** updated_at bounds, epoch milliseconds. */
  changes_since?: number;
  changes_before?: number;
  /** Nova's tag filters (2.26): all of, any of, not all of, none of. */
  tags?: string[];
  tags_any?: string[];
  not_tags?: string[];
  not_tags_any?: string[];
}

/** A regex from a name filter; an invalid one matches its text literally. */
export function nameRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** Pure: the predicate for a match (built once per list, run per instance). */
export function instanceMatcher(m: InstanceMatch): (i: Instance) => boolean {
  const nameRe = m.name ? nameRegex(m.name) : null;
  const has = (tags: string[]) => (t: string) => tags.includes(t);
  return (i) =>
    (m.include_deleted || i.vm_state !== 'deleted') &&
    (!m.project_id || i.project_id === m.project_id) &&
    (!m.host || i.host === m.host) &&
    (!m.node || i.node === m.node) &&
    (!m.vm_state || i.vm_state === m.vm_state) &&
    (!m.task_state_in || m.task_state_in.includes(i.task_state)) &&
    (!m.task_state_not_in || !m.task_state_not_in.includes(i.task_state)) &&
    (!m.image || i.image.id === m.image) &&
    (!m.flavor || i.flavor.id === m.flavor) &&
    (!m.reservation_id || i.reservation_id === m.reservation_id) &&
    (!m.availability_zone || i.availability_zone === m.availability_zone) &&
    (m.changes_since === undefined || m.changes_since === null || Date.parse(i.updated_at) >= m.changes_since) &&
    (m.changes_before === undefined || m.changes_before === null || Date.parse(i.updated_at) <= m.changes_before) &&
    (!m.tags || m.tags.every(has(i.tags))) &&
    (!m.tags_any || m.tags_any.some(has(i.tags))) &&
    (!m.not_tags || !m.not_tags.every(has(i.tags))) &&
    (!m.not_tags_any || !m.not_tags_any.some(has(i.tags))) &&
    (!nameRe || nameRe.test(i.name));
}
