// nova's database: one JSON document (lowdb), written durably (temp file, fsync, rename,
// directory fsync) before a mutation is acknowledged. Only nova-conductor imports this module.
import type { Low } from 'lowdb';
import { openJsonDb, shape, type JsonDbSpec } from '../common/json-db.js';
import type { Aggregate, ComputeNode, Flavor, Instance, InstanceAction, KeyPair, QuotaSet, ServerGroup } from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';

export interface NovaData {
  schema: 1;
  counters: {
    service: number;
    compute_node: number;
    instance: number;
    keypair: number;
    aggregate?: number;
  };
  services: ServiceRecord[];
  compute_nodes: ComputeNode[];
  instances: Instance[];
  request_specs: Record<string, RequestSpec>;
  actions: InstanceAction[];
  flavors: Flavor[];
  keypairs: KeyPair[];
  quotas: Record<string, Partial<QuotaSet>>;
  traces: ScheduleTrace[];
  server_groups: ServerGroup[];
  /** Host aggregates (seeded on open when the database has none stored yet). */
  aggregates: Aggregate[];
  /** Per host: builds that failed there since its last successful one (BuildFailureWeigher). */
  failed_builds?: Record<string, number>;
  /** Flavor access (Nova's flavor_projects): the projects that may see and use a private flavor. */
  flavor_projects: { flavor_id: string; project_id: string }[];
}

export const emptyNovaData = (): NovaData => ({
  schema: 1,
  counters: { service: 0, compute_node: 0, instance: 0, keypair: 0 },
  services: [],
  compute_nodes: [],
  instances: [],
  request_specs: {},
  actions: [],
  flavors: DEFAULT_FLAVORS.map((f) => ({ ...f })),
  keypairs: [],
  quotas: {},
  traces: [],
  server_groups: [],
  aggregates: [],
  flavor_projects: [],
});

const OPTIONAL_TABLES = ['request_specs', 'actions', 'keypairs', 'quotas', 'traces', 'server_groups', 'flavor_projects'] as const;

/** Pure: what makes a parsed document not nova's database (checked before anything reads it). */
export function novaShapeProblems(doc: unknown): string[] {
  if (!shape.isObject(doc))
    return [`the document is ${Array.isArray(doc) ? 'a list' : String(doc === null ? 'null' : typeof doc)}, not an object`];
  const problems = shape.fields(
    doc,
    ['services', 'compute_nodes', 'instances', 'flavors', 'actions', 'keypairs', 'traces', 'server_groups', 'flavor_projects'],
    ['counters', 'request_specs', 'quotas'],
    ['schema', 'counters', 'services', 'compute_nodes', 'instances', 'flavors'],
  );
  if ('schema' in doc && doc.schema !== 1) problems.unshift(`schema ${JSON.stringify(doc.schema)} is not 1`);
  if (Array.isArray(doc.instances) && doc.instances.some((i) => !shape.isObject(i) || typeof i.uuid !== 'string'))
    problems.push('an instance has no uuid');
  return problems;
}

export class NovaDb {
  /** The write now on its way to disk, and the next one, which gathers every change made meanwhile. */
  private inFlight: Promise<void> = Promise.resolve();
  private nextWrite: Promise<void> | null = null;

  private constructor(private low: Low<NovaData>) {}

  /**
   * Open nova's database; a missing (after first start), corrupt or foreign file is refused.
   * `seedAggregates` gives a new database its aggregates (the topology's), and an existing one
   * written before aggregates were stored; after that, only the API changes them.
   */
  static async open(
    file: string,
    opts: Pick<JsonDbSpec<NovaData>, 'marker' | 'stateDir' | 'evidence'> = {},
    seedAggregates: () => Aggregate[] = () => [],
  ): Promise<NovaDb> {
    const low = await openJsonDb<NovaData>({
      file,
      what: "nova's database",
      // A new database starts with the topology's aggregates.
      empty: () => ({ ...emptyNovaData(), aggregates: seedAggregates() }),
      shapeProblems: novaShapeProblems,
      ...opts,
    });
    // Tables added since the first schema: older databases get them empty.
    const fresh = emptyNovaData();
    for (const k of OPTIONAL_TABLES) (low.data as unknown as Record<string, unknown>)[k] ??= fresh[k];
    // A database written before aggregates were stored: the topology seeds them.
    if (!Array.isArray((low.data as Partial<NovaData>).aggregates)) low.data.aggregates = seedAggregates();
    low.data.counters.aggregate = Math.max(low.data.counters.aggregate ?? 0, ...low.data.aggregates.map((a) => a.id));
    return new NovaDb(low);
  }

  get data(): NovaData {
    return this.low.data;
  }

  /** Changes since this process opened the database; with `boot`, a stamp no other process shares. */
  private changes = 0;
  private readonly boot = `${process.pid}.${Date.now().toString(36)}`;

  /**
   * Differs after every change (bumped as the change is applied, before it is acknowledged):
   * what a reader keeps a derived copy against (nova-api's list cache). A new store must keep
   * this promise for every write path.
   */
  get generation(): string {
    return `${this.boot}:${this.changes}`;
  }

  /**
   * Apply a change and persist it before returning; a failed write leaves the file as it was.
   * Group commit: changes made while a write is on its way share the next write, so a burst
   * of creates costs a few whole-document writes, not one each.
   */
  async mutate<T>(change: (d: NovaData) => T): Promise<T> {
    const result = change(this.low.data);
    this.changes++;
    await this.flush();
    return result;
  }

  private flush(): Promise<void> {
    if (this.nextWrite) return this.nextWrite;
    const write = this.inFlight
      .catch(() => undefined)
      .then(() => {
        // From here on, changes belong to the write after this one.
        this.nextWrite = null;
        return this.low.write();
      });
    this.nextWrite = write;
    this.inFlight = write;
    return write;
  }
}
