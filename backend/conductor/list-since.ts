// instance_list_since: the list nova-api renders GET /servers/detail from, or "unchanged" when
// no instance record was written since the generation the caller holds. A client listing 1,000
// servers in a loop then costs the conductor one comparison, not a 2 MB reply to encode. The
// list is made of instance records only (records.ts `listed`), so writes to other tables
// (service heartbeats, traces, request specs) leave it valid.
import type { ConductorApi, InstanceFilter, InstanceListSince } from '../rpc/conductor-api.js';
import type { NovaDb } from './nova-db.js';

export function listSince(
  db: Pick<NovaDb, 'instancesGeneration'>,
  records: Pick<ConductorApi, 'instance_list'>,
): (filter: InstanceFilter, known: string | null) => Promise<InstanceListSince> {
  return async (filter, known) => {
    // Read before listing: a write that lands in between makes the next call list again.
    const generation = db.instancesGeneration;
    if (known === generation) return { generation, instances: null };
    return { generation, instances: await records.instance_list(filter) };
  };
}
