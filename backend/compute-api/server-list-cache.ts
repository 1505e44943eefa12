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

/** The conductor call on its way for one list, and the one queued behind it. */
interface Flight {
  current: Promise<Entry> | null;
  next: Promise<Entry> | null;
}

export class ServerListCache {
  private entries = new Map<string, Entry>();
  private flights = new Map<string, Flight>();

  /** The instances of `filter`, from the conductor unless this copy is still current. */
  async list(since: ListSince, filter: InstanceFilter): Promise<{ key: string; instances: ListedInstance[] }> {
    const key = JSON.stringify(filter);
    const entry = await this.fresh(key, () => this.ask(since, filter, key));
    return { key, instances: entry.instances };
  }

  /**
   * An answer from a conductor call made after this request arrived. The call already on its
   * way was made before it, and may miss a write acknowledged since: so a request arriving
   * meanwhile waits for it, then shares one new call with every request that arrived in
   * between. A hundred clients listing at once cost one or two calls at a time, not a hundred
   * (and, on a cold copy, one 1,000-server reply to decode and render, not a hundred).
   */
  private fresh(key: string, ask: () => Promise<Entry>): Promise<Entry> {
    let f = this.flights.get(key);
    if (!f) this.flights.set(key, (f = { current: null, next: null }));
    const current = f.current;
    if (!current) return this.start(key, f, ask);
    if (!f.next) {
      const flight = f;
      flight.next = current.then(
        () => this.startNext(key, flight, ask),
        () => this.startNext(key, flight, ask),
      );
    }
    return f.next!;
  }

  private startNext(key: string, f: Flight, ask: () => Promise<Entry>): Promise<Entry> {
    f.next = null; // whoever arrives from now on is after this call's start: the one after it
    return this.start(key, f, ask);
  }

  private start(key: string, f: Flight, ask: () => Promise<Entry>): Promise<Entry> {
    const p = ask();
    f.current = p;
    const done = () => {
      if (f.current === p) f.current = null;
      if (!f.current && !f.next && this.flights.get(key) === f) this.flights.delete(key);
    };
    p.then(done, done);
    return p;
  }

  private async ask(since: ListSince, filter: InstanceFilter, key: string): Promise<Entry> {
    const held = this.entries.get(key);
    const r = await since(filter, held?.generation ?? null);
    const entry = r.instances !== null || !held ? { generation: r.generation, instances: r.instances ?? [], bodies: new Map() } : held;
    // Most recently used last; the oldest goes when there are too many.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_LISTS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
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
