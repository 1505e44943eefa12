// nova's database: one JSON document (lowdb), written atomically (temp file + rename) before
// a mutation is acknowledged. Only nova-conductor imports this module.
import fs from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ComputeNode, Flavor, Instance, InstanceAction, KeyPair, QuotaSet, ServerGroup } from '../../contract/model.js';
import type { ServiceRecord } from '../../contract/services.js';
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';

export interface NovaData {
  schema: 1;
  counters: { service: number; compute_node: number; instance: number; keypair: number };
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
  /** Per host: builds that failed there since its last successful one (BuildFailureWeigher). */
  failed_builds?: Record<string, number>;
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
});

export class NovaDb {
  /** The write now on its way to disk, and the next one, which gathers every change made meanwhile. */
  private inFlight: Promise<void> = Promise.resolve();
  private nextWrite: Promise<void> | null = null;

  private constructor(private low: Low<NovaData>) {}

  static async open(file: string): Promise<NovaDb> {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const low = new Low<NovaData>(new JSONFile<NovaData>(file), emptyNovaData());
    await low.read();
    low.data ??= emptyNovaData();
    low.data.server_groups ??= []; // databases written before server groups existed
    return new NovaDb(low);
  }

  get data(): NovaData {
    return this.low.data;
  }

  /**
   * Apply a change and persist it before returning; a failed write leaves the file as it was.
   * Group commit: changes made while a write is on its way share the next write, so a burst
   * of creates costs a few whole-document writes, not one each.
   */
  async mutate<T>(change: (d: NovaData) => T): Promise<T> {
    const result = change(this.low.data);
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
