// A multi-create is all or nothing (Nova's FilterScheduler._schedule and
// _ensure_sufficient_hosts): the scheduler places the instances one after the other, each
// seeing the hosts as the ones before it consumed them; when one finds no host, the claims of
// those before it are released and the request fails with NoValidHost. Here the real
// scheduler service runs against the real conductor records (a nova.json in a temp dir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComputeNode, Instance } from '../../contract/model.js';
import type { ConductorApi } from '../../backend/rpc/conductor-api.js';
import { NovaDb } from '../../backend/conductor/nova-db.js';
import { recordsApi } from '../../backend/conductor/records.js';
import { schedulerApi } from '../../backend/scheduler/scheduler-service.js';
import { resolveNovaConf } from '../../backend/config/nova-conf.js';
import { makeFlavor, makeImage, makeNodeReport, makeSpec } from '../../backend/scheduler/test-fixtures.js';

type NodeReport = ReturnType<typeof makeNodeReport>;
const node = (host: string, memory_mb: number): NodeReport => makeNodeReport(host, memory_mb);

const flavor = makeFlavor({ vcpus: 1, ram: 2048, disk: 10 });
const instance = (uuid: string): Instance =>
  ({
    uuid,
    name: uuid,
    project_id: 'p',
    user_id: 'u',
    flavor,
    image: makeImage(),
    host: null,
    node: null,
    vm_state: 'building',
    task_state: 'scheduling',
    create_request_id: 'req-1',
    seq: 0,
  }) as unknown as Instance;

async function schedule(hosts: NodeReport[], uuids: string[], conf = '') {
  const db = await NovaDb.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-')), 'nova.json'));
  const records = recordsApi(db, { serviceDownTime: () => 60 });
  for (const h of hosts) await records.compute_node_update(h);
  // Every host's nova-compute is up.
  for (const h of hosts) await records.service_heartbeat('nova-compute', h.host, 'nova');
  await records.instance_create(uuids.map(instance));
  const scheduler = schedulerApi({
    conductor: records as unknown as ConductorApi,
    lab: { step: async () => undefined },
    conf: () => resolveNovaConf(`[DEFAULT]\nscheduler_host_subset_size = 1\n${conf}`, { cpuCount: 2 }).conf,
    publish: () => undefined,
    random: () => 0,
  });
  const traces = await scheduler.select_destinations(makeSpec({ flavor, num_instances: uuids.length }), uuids);
  const placed = await Promise.all(uuids.map(async (u) => (await records.instance_get(u))!.host));
  const usage = Object.fromEntries((await records.compute_node_list()).map((n: ComputeNode) => [n.host, n.memory_mb_used]));
  return { traces, placed, usage };
}

interface Row {
  what: string;
  hosts: NodeReport[];
  count: number;
  conf?: string;
  /** Nova's decision: the host chosen for each instance tried, null for the one that found none. */
  chosen: (string | null)[];
  /** Where each instance is afterwards (null: no host, nothing claimed). */
  placed: (string | null)[];
  /** memory_mb_used per host afterwards. */
  usage: Record<string, number>;
  /** For a NoValidHost, the filter that emptied the list for the failing instance. */
  emptiedBy?: string;
}

const rows: Row[] = [
  {
    what: 'three 2 GB instances on two 2 GB hosts: the third finds none, so none is placed',
    hosts: [node('h1', 2048), node('h2', 2048)],
    count: 3,
    chosen: ['h1', 'h2', null],
    placed: [null, null, null],
    usage: { h1: 0, h2: 0 },
    emptiedBy: 'RamFilter',
  },
  {
    what: 'three 2 GB instances on three 2 GB hosts: all placed, one per host',
    hosts: [node('h1', 2048), node('h2', 2048), node('h3', 2048)],
    count: 3,
    chosen: ['h1', 'h2', 'h3'],
    placed: ['h1', 'h2', 'h3'],
    usage: { h1: 2048, h2: 2048, h3: 2048 },
  },
  {
    what: 'the hosts consumed by earlier instances steer later ones (RAMWeigher spreads)',
    hosts: [node('h1', 6144), node('h2', 4096)],
    count: 3,
    // h1 has 6 GB free, then 4 GB (tie with h2: first in order), then h2 has 4 GB against 2 GB.
    chosen: ['h1', 'h1', 'h2'],
    placed: ['h1', 'h1', 'h2'],
    usage: { h1: 4096, h2: 2048 },
  },
  {
    what: 'no RamFilter: nothing limits RAM, all three fit on two small hosts (Nova overcommits what no filter limits)',
    hosts: [node('h1', 2048), node('h2', 2048)],
    count: 3,
    conf: 'scheduler_default_filters = RetryFilter,AvailabilityZoneFilter,ComputeFilter,CoreFilter',
    chosen: ['h1', 'h2', 'h1'],
    placed: ['h1', 'h2', 'h1'],
    usage: { h1: 4096, h2: 2048 },
  },
];

for (const row of rows) {
  test(`multi-create as Nova: ${row.what}`, async () => {
    const uuids = Array.from({ length: row.count }, (_, i) => `vm-${i + 1}`);
    const { traces, placed, usage } = await schedule(row.hosts, uuids, row.conf);
    assert.deepEqual(
      traces.map((t) => t.chosen),
      row.chosen,
      'the host chosen for each instance',
    );
    assert.deepEqual(placed, row.placed, 'where each instance is afterwards');
    assert.deepEqual(usage, row.usage, 'memory_mb_used per host afterwards');
    const failed = traces.find((t) => t.chosen === null);
    assert.equal(failed?.emptied_by, row.emptiedBy);
    if (failed) {
      assert.match(String(failed.error), /^No valid host was found\. There are not enough hosts available\./);
      assert.match(String(failed.error), /all or none: instance 3 of 3 found no host, so the 2 placed before it were released\.$/);
      assert.deepEqual(
        traces.slice(0, -1).map((t) => t.error),
        [
          'h1 was released: the request is for 3 instances, all or none, and instance 3 of 3 found no host.',
          'h2 was released: the request is for 3 instances, all or none, and instance 3 of 3 found no host.',
        ],
      );
    } else assert.ok(traces.every((t) => t.error === null));
  });
}
