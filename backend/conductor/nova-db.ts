// nova's database: one document in memory (lowdb), written as what each mutation changed
// (common/journal-db.ts: snapshot + journal, fsynced before a mutation is acknowledged). The
// scheduler's traces live beside it in their own bounded file (trace-store.ts). Only
// nova-conductor imports this module.
import path from 'node:path';
import { shape, type JsonDbSpec } from '../common/json-db.js';
import { openJournalDb, readJournalDb, type JournalDb, type JournalDbSpec } from '../common/journal-db.js';
import { TraceStore } from './trace-store.js';
import type {
  Aggregate,
  ComputeNode,
  Flavor,
  Instance,
  InstanceAction,
  KeyPair,
  Migration,
  QuotaSet,
  ServerGroup,
} from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';

/** The layout this code writes; 1 was the single whole document with actions and traces in it. */
export const NOVA_SCHEMA = 2;

export interface NovaData {
  schema: typeof NOVA_SCHEMA;
  counters: {
    service: number;
    compute_node: number;
    instance: number;
    keypair: number;
    aggregate?: number;
    migration?: number;
  };
  services: ServiceRecord[];
  compute_nodes: ComputeNode[];
  instances: Instance[];
  request_specs: Record<string, RequestSpec>;
  /**
   * Instance actions (server event list), per instance: a new event rewrites that instance's
   * list, not every action of the cloud.
   */
  instance_actions: Record<string, InstanceAction[]>;
  flavors: Flavor[];
  keypairs: KeyPair[];
  quotas: Record<string, Partial<QuotaSet>>;
  /** Quota classes (os-quota-class-sets): "default" overrides the built-in defaults. */
  quota_classes?: Record<string, Record<string, number>>;
  server_groups: ServerGroup[];
  /** Host aggregates (seeded on open when the database has none stored yet). */
  aggregates: Aggregate[];
  /** Per host: builds that failed there since its last successful one (BuildFailureWeigher). */
  failed_builds?: Record<string, number>;
  /** Flavor access (Nova's flavor_projects): the projects that may see and use a private flavor. */
  flavor_projects: { flavor_id: string; project_id: string }[];
  /** Resizes and cold migrations (Nova's migrations table); absent in databases written before them. */
  migrations?: Migration[];
}

export const emptyNovaData = (): NovaData => ({
  schema: NOVA_SCHEMA,
  counters: { service: 0, compute_node: 0, instance: 0, keypair: 0 },
  services: [],
  compute_nodes: [],
  instances: [],
  request_specs: {},
  instance_actions: {},
  flavors: DEFAULT_FLAVORS.map((f) => ({ ...f })),
  keypairs: [],
  quotas: {},
  server_groups: [],
  aggregates: [],
  flavor_projects: [],
});

const OPTIONAL_TABLES = ['request_specs', 'instance_actions', 'keypairs', 'quotas', 'server_groups', 'flavor_projects'] as const;

/** The previous layout's tables this one keeps elsewhere. */
interface SchemaOne {
  actions?: InstanceAction[];
  traces?: ScheduleTrace[];
}

/** Pure: what makes a parsed document not nova's database (checked before anything reads it). */
export function novaShapeProblems(doc: unknown): string[] {
  if (!shape.isObject(doc))
    return [`the document is ${Array.isArray(doc) ? 'a list' : String(doc === null ? 'null' : typeof doc)}, not an object`];
  const problems = shape.fields(
    doc,
    ['services', 'compute_nodes', 'instances', 'flavors', 'actions', 'keypairs', 'traces', 'server_groups', 'flavor_projects'],
    ['counters', 'request_specs', 'quotas', 'instance_actions'],
    ['schema', 'counters', 'services', 'compute_nodes', 'instances', 'flavors'],
  );
  if ('schema' in doc && doc.schema !== 1 && doc.schema !== NOVA_SCHEMA)
    problems.unshift(`schema ${JSON.stringify(doc.schema)} is not 1 or ${NOVA_SCHEMA}`);
  if (Array.isArray(doc.instances) && doc.instances.some((i) => !shape.isObject(i) || typeof i.uuid !== 'string'))
    problems.push('an instance has no uuid');
  return problems;
}

/** Pure: the previous layout's document in this one; its traces are handed to `traces`. */
export function migrateNovaData(doc: NovaData, traces: (t: ScheduleTrace[]) => void): NovaData {
  const old = doc as NovaData & SchemaOne;
  const byInstance: Record<string, InstanceAction[]> = { ...(doc.instance_actions ?? {}) };
  for (const a of old.actions ?? []) (byInstance[a.instance_uuid] ??= []).push(a);
  traces(old.traces ?? []);
  const { actions: _a, traces: _t, ...rest } = old;
  return { ...rest, schema: NOVA_SCHEMA, instance_actions: byInstance };
}

export interface NovaDbOptions extends Pick<JsonDbSpec<NovaData>, 'marker' | 'stateDir' | 'evidence'> {
  /** How many scheduling traces to keep ([novalab] scheduler_trace_keep). */
  traceKeep?: () => number;
  /** One line about a migration done at open. */
  log?: (line: string) => void;
  /** Journal size past which it is folded into the snapshot (tests make it small). */
  compactAtBytes?: number;
}

const spec = (file: string, opts: NovaDbOptions, seedAggregates: () => Aggregate[], traces: TraceStore): JournalDbSpec<NovaData> => ({
  file,
  what: "nova's database",
  // A new database starts with the topology's aggregates.
  empty: () => ({ ...emptyNovaData(), aggregates: seedAggregates() }),
  shapeProblems: novaShapeProblems,
  migrate: (doc) => migrateNovaData(doc, (t) => traces.seed(t)),
  migrationTag: `schema${NOVA_SCHEMA}`,
  ...(opts.marker ? { marker: opts.marker } : {}),
  ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
  ...(opts.evidence ? { evidence: opts.evidence } : {}),
  ...(opts.log ? { log: opts.log } : {}),
  ...(opts.compactAtBytes ? { compactAtBytes: opts.compactAtBytes } : {}),
});

/** The traces file beside nova's database. */
export const traceFile = (novaDbFile: string) => path.join(path.dirname(novaDbFile), 'scheduler-traces.jsonl');

/** What nova's database files hold now (snapshot + journal), read only: for tests and tools. */
export function readNovaData(file: string): NovaData {
  return readJournalDb<NovaData>({ file, what: "nova's database", empty: emptyNovaData, shapeProblems: novaShapeProblems });
}

export class NovaDb {
  private constructor(
    private store: JournalDb<NovaData>,
    /** The last scheduling decisions, outside the database. */
    readonly traces: TraceStore,
  ) {}

  /**
   * Open nova's database; a missing (after first start), corrupt or foreign file is refused,
   * one in the previous layout is migrated after a backup.
   * `seedAggregates` gives a new database its aggregates (the topology's), and an existing one
   * written before aggregates were stored; after that, only the API changes them.
   */
  static async open(file: string, opts: NovaDbOptions = {}, seedAggregates: () => Aggregate[] = () => []): Promise<NovaDb> {
    const traces = new TraceStore(traceFile(file), opts.traceKeep ?? (() => 200));
    const store = await openJournalDb<NovaData>(spec(file, opts, seedAggregates, traces));
    const data = store.data;
    // Tables added since the first schema: older databases get them empty.
    const fresh = emptyNovaData();
    for (const k of OPTIONAL_TABLES) if (!(k in store.plain)) (data as unknown as Record<string, unknown>)[k] = fresh[k];
    // A database written before aggregates were stored: the topology seeds them.
    if (!Array.isArray((store.plain as Partial<NovaData>).aggregates)) data.aggregates = seedAggregates();
    const maxAggregate = Math.max(data.counters.aggregate ?? 0, ...store.plain.aggregates.map((a) => a.id));
    if (data.counters.aggregate !== maxAggregate) data.counters.aggregate = maxAggregate;
    await store.flush();
    return new NovaDb(store, traces);
  }

  /** The document: read it, and change it inside mutate(); each write is noted and persisted with it. */
  get data(): NovaData {
    return this.store.data;
  }

  /** The same document without write tracking, for reads served in a loop (lists): never write through it. */
  get plain(): NovaData {
    return this.store.plain;
  }

  /** What writes have cost so far (journal lines and bytes, snapshots and bytes). */
  get writeStats(): JournalDb<NovaData>['stats'] {
    return this.store.stats;
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
   * Differs after every write to the instances table (counted by the write tracking as each
   * write is made, so before it is acknowledged), and only then: the server list nova-api
   * keeps is made of instance records alone, so a heartbeat or a scheduler trace does not
   * make every nova-api worker fetch and render 1,000 servers again.
   */
  get instancesGeneration(): string {
    return `${this.boot}:i${this.store.writesTo('instances')}`;
  }

  /**
   * Apply a change and persist it before returning; a failed write is retried with the next.
   * Group commit: changes made while a write is on its way share the next journal line, and a
   * line holds only the records the changes touched.
   */
  mutate<T>(change: (d: NovaData) => T): Promise<T> {
    // Bumped as the change is applied, before it is acknowledged (no await in between).
    this.changes++;
    return this.store.mutate(change);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.traces.settled();
  }
}
