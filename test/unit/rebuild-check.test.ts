// A rebuild with a new image asks the scheduler about the instance's own host (Nova's
// _nova_check_type = rebuild): the instance already holds its room there, so the check claims
// nothing — a full host still passes, and neither its usage nor the instance changes. Here
// the real scheduler service runs against the real conductor records, and the conductor's
// request for the check is the one it sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Instance } from '../../contract/model.js';
import type { ConductorApi } from '../../backend/rpc/conductor-api.js';
import { NovaDb } from '../../backend/conductor/nova-db.js';
import { recordsApi } from '../../backend/conductor/records.js';
import { rebuildCheckSpec } from '../../backend/conductor/rebuild-flow.js';
import { schedulerApi } from '../../backend/scheduler/scheduler-service.js';
import { resolveNovaConf } from '../../backend/config/nova-conf.js';
import { makeFlavor, makeImage, makeNodeReport } from '../../backend/scheduler/test-fixtures.js';

test("a rebuild's check passes the instance's full host without claiming it again", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novadb-'));
  try {
    const db = await NovaDb.open(path.join(dir, 'nova.json'));
    const records = recordsApi(db, { serviceDownTime: () => 60 });
    await records.compute_node_update(makeNodeReport('full', 2048));
    await records.compute_node_update(makeNodeReport('empty', 8192));
    for (const h of ['full', 'empty']) await records.service_heartbeat('nova-compute', h, 'nova');
    const flavor = makeFlavor({ vcpus: 1, ram: 2048, disk: 10 });
    const inst = { uuid: 'vm-1', name: 'vm-1', project_id: 'p', user_id: 'u', flavor, image: makeImage(), host: null, node: null };
    await records.instance_create([
      { ...inst, vm_state: 'building', task_state: 'scheduling', create_request_id: 'req-1', seq: 0 } as unknown as Instance,
    ]);
    const claim = await records.instance_claim('vm-1', 'full', {});
    assert.ok(claim.ok, 'the instance holds all of host "full"');
    const usage = async () => Object.fromEntries((await records.compute_node_list()).map((n) => [n.host, n.memory_mb_used]));
    const before = await usage();
    const record = JSON.parse(JSON.stringify(await records.instance_get('vm-1'))) as Instance;
    await new Promise((r) => setTimeout(r, 5)); // a write now would show in updated_at

    const scheduler = schedulerApi({
      conductor: records as unknown as ConductorApi,
      lab: { step: async () => undefined },
      conf: () => resolveNovaConf('', { cpuCount: 2 }).conf,
      publish: () => undefined,
      random: () => 0,
    });
    const rebuilt = (await records.instance_get('vm-1'))!;
    const [trace] = await scheduler.select_destinations(rebuildCheckSpec({ ...rebuilt, image: makeImage({ id: 'image-2' }) }, undefined), [
      'vm-1',
    ]);
    assert.equal(trace!.chosen, 'full', 'its own host, though a new boot would not fit there');
    assert.ok(!trace!.filters.some((f) => f.name === 'RamFilter'), 'RamFilter does not run on a rebuild');
    assert.deepEqual(await usage(), before, 'nothing claimed: the instance is counted once');
    assert.deepEqual(JSON.parse(JSON.stringify(await records.instance_get('vm-1'))), record, 'the check wrote nothing to the instance');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
