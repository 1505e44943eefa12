// nova-api's copy of the server lists it rendered last, kept against the conductor's database
// generation: while nothing was written, a client listing /servers/detail in a loop gets the
// same bytes without the conductor encoding, the bus carrying and this worker decoding,
// rendering and encoding 1,000 servers again, and not even the UTF-8 encoding of 1.9 MB: the
// body is kept as the bytes sent. Any write to an instance record changes the generation, so
// the next list is fetched whole; what the body also depends on (microversion, admin view,
// links' base, the query, host status) is part of its key.
import type { ListedInstance } from '../../contract/model.js';
import type { InstanceFilter, InstanceListSince } from '../rpc/conductor-api.js';

interface Entry {
  generation: string;
  instances: ListedInstance[];
  bodies: Map<string, Buffer>;
}

export type ListSince = (filter: InstanceFilter, known: string | null) => Promise<InstanceListSince>;

/** A few lists (one per filter: project, page, marker …), each with a few renderings. */
const MAX_LISTS = 8;
const MAX_BODIES = 4;

export class ServerListCache {
  private entries = new Map<string, Entry>();

  /** The instances of `filter`, from the conductor unless this copy is still current. */
  async list(since: ListSince, filter: InstanceFilter): Promise<{ key: string; instances: ListedInstance[] }> {
    const key = JSON.stringify(filter);
    const held = this.entries.get(key);
    const r = await since(filter, held?.generation ?? null);
    let entry = held;
    if (r.instances !== null || !entry) entry = { generation: r.generation, instances: r.instances ?? [], bodies: new Map() };
    // Most recently used last; the oldest goes when there are too many.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_LISTS) this.entries.delete(this.entries.keys().next().value!);
    return { key, instances: entry.instances };
  }

  /** The body rendered for this list and view, rendering it only when not held yet. */
  body(listKey: string, instances: ListedInstance[], viewKey: string, render: () => Buffer): Buffer {
    const entry = this.entries.get(listKey);
    if (!entry || entry.instances !== instances) return render(); // replaced meanwhile
    let text = entry.bodies.get(viewKey);
    if (text === undefined) {
      text = render();
      if (entry.bodies.size >= MAX_BODIES) entry.bodies.delete(entry.bodies.keys().next().value!);
      entry.bodies.set(viewKey, text);
    }
    return text;
  }
}
