// The conductor's build flow with the real records and a scripted scheduler: one
// select_destinations for all the instances of a request; when it cannot place them all,
// every instance goes to ERROR with the NoValidHost fault and no host, and nothing is cast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Instance } from '../../contract/model.js';
import type { RequestSpec, ScheduleTrace } from '../../contract/scheduler.js';
import { NovaDb } from '../../backend/conductor/nova-db.js';
import { recordsApi } from '../../backend/conductor/records.js';
import { buildFlowApi } from '../../backend/conductor/build-flow.js';
import { makeFlavor, makeImage, makeSpec } from '../../backend/scheduler/test-fixtures.js';

const instance = (uuid: string): Instance =>
  ({
    uuid,
    name: uuid,
    project_id: 'p',
    user_id: 'u',
    flavor: makeFlavor(),
    image: makeImage(),
    host: null,
    node: null,
    vm_state: 'building',
    task_state: 'scheduling',
    create_request_id: 'req-1',
    fault: null,
    seq: 0,
  }) as unknown as Instance;

const trace = (uuid: string, chosen: string | null, error: string | null = null): ScheduleTrace => ({
  request_id: 'req-1',
  instance_uuid: uuid,
  attempt: 1,
  started_at: '',
  hosts: [],
  filters: [],
  weighers: [],
  ranking: [],
  subset_size: 1,
  subset: [],
  chosen,
  emptied_by: chosen ? null : 'RamFilter',
  error,
});

async function flow(
  answer: (spec: RequestSpec, uuids: string[], records: ReturnType<typeof recordsApi>) => ScheduleTrace[] | Promise<ScheduleTrace[]>,
) {
  const db = await NovaDb.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-')), 'nova.json'));
  const records = recordsApi(db, { serviceDownTime: () => 60 });
  const calls: string[][] = [];
  const casts: [string, string][] = [];
  const api = buildFlowApi({
    db,
    records,
    scheduler: () => ({
      select_destinations: async (spec, uuids) => {
        calls.push(uuids ?? [spec.instance_uuid]);
        return answer(spec, uuids ?? [spec.instance_uuid], records);
      },
    }),
    compute: (host) => ({ cast: { build_and_run_instance: (i: Instance) => casts.push([host, i.uuid]) } }) as never,
    lab: () => ({ step: async () => undefined }),
    maxAttempts: () => 3,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return { api, records, calls, casts };
}

const base = (): Omit<RequestSpec, 'instance_uuid' | 'retry'> => {
  const { instance_uuid: _u, retry: _r, ...rest } = makeSpec({ num_instances: 3 });
  return rest;
};

test('a multi-create asks the scheduler once for all its instances and casts each build to its host', async () => {
  const { api, records, calls, casts } = await flow((_s, uuids) => uuids.map((u, i) => trace(u, `h${i + 1}`)));
  await records.instance_create(['a', 'b', 'c'].map(instance));
  await api.build_instances(['a', 'b', 'c'], base());
  assert.deepEqual(calls, [['a', 'b', 'c']]);
  assert.deepEqual(casts, [
    ['h1', 'a'],
    ['h2', 'b'],
    ['h3', 'c'],
  ]);
});

test('when the scheduler cannot place them all, every instance is in ERROR with the NoValidHost fault, no host, and nothing is cast', async () => {
  const noValidHost = 'No valid host was found. There are not enough hosts available. RamFilter rejected every remaining host: …';
  const { api, records, casts } = await flow(async (_s, uuids, recs) => {
    // The scheduler's claim, as it made it before finding no host for the third.
    await recs.instance_update(uuids[0]!, { host: 'h1' });
    return [trace(uuids[0]!, 'h1'), trace(uuids[1]!, 'h2'), trace(uuids[2]!, null, noValidHost)];
  });
  await records.instance_create(['a', 'b', 'c'].map(instance));
  await api.build_instances(['a', 'b', 'c'], base());
  assert.deepEqual(casts, []);
  for (const uuid of ['a', 'b', 'c']) {
    const i = (await records.instance_get(uuid))!;
    assert.deepEqual([i.vm_state, i.host, i.fault?.message, i.fault?.code], ['error', null, noValidHost, 500], uuid);
  }
});

test('a reschedule asks the scheduler for that one instance, with the failed host in the retry', async () => {
  const specs: RequestSpec[] = [];
  const { api, records, calls, casts } = await flow((spec, uuids) => {
    specs.push(spec);
    return uuids.map((u) => trace(u, specs.length === 1 ? 'h1' : 'h2'));
  });
  await records.instance_create(['a', 'b'].map(instance));
  await api.build_instances(['a', 'b'], base());
  await api.reschedule('b', 'h1', 'spawn failed');
  assert.deepEqual(calls, [['a', 'b'], ['b']]);
  assert.deepEqual(specs[1]!.retry, { num_attempts: 2, hosts: ['h1'] });
  assert.deepEqual(casts.at(-1), ['h2', 'b']);
});
