// Pure: the instances a usage report counts (Nova's instance_get_active_by_window_joined):
// those not terminated before the window opens and launched before it closes, deleted ones
// included, ordered by project then uuid, one page after a marker.
import type { Instance } from '../../contract/model.js';
import type { UsageInstance } from '../rpc/conductor-api.js';
import { BusFailure } from '../bus/errors.js';

export interface UsageQuery {
  begin: string;
  end: string;
  project_id?: string;
  limit?: number;
  marker?: string;
}

const ms = (iso: string) => Date.parse(iso);
const key = (i: { project_id: string; uuid: string }) => [i.project_id, i.uuid] as const;
const before = (a: readonly [string, string], b: readonly [string, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export function usageWindow(instances: Instance[], q: UsageQuery): UsageInstance[] {
  const begin = ms(q.begin);
  const end = ms(q.end);
  let rows = instances
    .filter(
      (i) =>
        (i.terminated_at === null || ms(i.terminated_at) > begin) &&
        // An instance never launched has launched_at NULL: the database's comparison excludes it.
        i.launched_at !== null &&
        ms(i.launched_at) < end &&
        (!q.project_id || i.project_id === q.project_id),
    )
    .sort((a, b) => (before(key(a), key(b)) ? -1 : before(key(b), key(a)) ? 1 : 0));
  if (q.marker !== undefined) {
    const m = instances.find((i) => i.uuid === q.marker);
    if (!m) throw new BusFailure('MarkerNotFound', `Marker ${q.marker} could not be found.`, { code: 400 });
    rows = rows.filter((i) => before(key(m), key(i)));
  }
  if (q.limit !== undefined) rows = rows.slice(0, q.limit);
  return rows.map((i) => ({
    uuid: i.uuid,
    name: i.name,
    project_id: i.project_id,
    vm_state: i.vm_state,
    launched_at: i.launched_at,
    terminated_at: i.terminated_at,
    flavor: { name: i.flavor.name, ram: i.flavor.ram, disk: i.flavor.disk, ephemeral: i.flavor.ephemeral, vcpus: i.flavor.vcpus },
  }));
}
