// nova-conductor: the only process that opens nova's database. It serves the "conductor"
// topic (records and the build flow) and keeps its own service heartbeat.
import { startService, runMain } from '../bus/service-runtime.js';
import { rpcClient, serveApi } from '../bus/rpc.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { SchedulerApi } from '../rpc/scheduler-api.js';
import { computeTopic, type ComputeApi } from '../rpc/compute-api.js';
import { LAB_TOPIC, type LabApi } from '../rpc/lab-api.js';
import { NovaDb } from './nova-db.js';
import { dbMarker } from '../config/state-dir.js';
import { instanceDisksEvidence } from './instance-evidence.js';
import { recordsApi } from './records.js';
import { listSince } from './list-since.js';
import { buildFlowApi, type BuildFlowDeps } from './build-flow.js';
import { migrationRecords } from './migration-records.js';
import { migrateFlowApi } from './migrate-flow.js';
import { unshelveFlow } from './unshelve-flow.js';
import { rebuildFlow } from './rebuild-flow.js';
import { runRecovery } from './run-recovery.js';
import { loadTopology } from '../config/topology.js';
import { seedAggregates } from './aggregates.js';
import { randomUUID } from 'node:crypto';

/** An instance unchanged this long with its work lost is abandoned (see recovery.ts). */
const ABANDONED_AFTER_MS = 60_000;
const RECOVERY_INTERVAL_MS = 15_000;

/** A held step or a slow scheduler may keep a call open for long; the learner sets the pace. */
const HELD_CALL_TIMEOUT_MS = 60 * 60 * 1000;

runMain(async () => {
  const rt = await startService('nova-conductor');
  const defaultZone = () => rt.conf.str('default_availability_zone');
  // The topology seeds the aggregates of a database that has none stored yet; then the API owns them.
  const db = await NovaDb.open(
    rt.paths.novaDb,
    {
      marker: dbMarker(rt.paths, 'nova'),
      stateDir: rt.paths.root,
      evidence: () => instanceDisksEvidence(rt.paths),
      traceKeep: () => rt.conf.int('novalab.scheduler_trace_keep'),
      log: (line) => rt.log.info(line),
    },
    () =>
      seedAggregates(
        loadTopology(rt.conf.str('novalab.topology'), rt.paths.topology).topology.hosts,
        defaultZone(),
        new Date().toISOString(),
        randomUUID,
      ),
  );
  const records = recordsApi(db, {
    serviceDownTime: () => rt.conf.int('service_down_time'),
    publish: (e) => rt.publish(e),
    defaultZone,
  });
  const flowDeps: BuildFlowDeps = {
    db,
    records,
    log: rt.log,
    scheduler: () =>
      rpcClient<SchedulerApi>(rt.bus, 'scheduler').with({
        timeoutMs: HELD_CALL_TIMEOUT_MS,
      }),
    compute: (host) => rpcClient<ComputeApi>(rt.bus, computeTopic(host)),
    lab: () =>
      rpcClient<LabApi>(rt.bus, LAB_TOPIC).with({
        timeoutMs: HELD_CALL_TIMEOUT_MS,
      }),
    maxAttempts: () => rt.conf.int('scheduler_max_attempts'),
    publish: (e) => rt.publish(e),
  };
  const flow = buildFlowApi(flowDeps);
  const moves = migrationRecords(db, () => records.compute_node_list());
  const moveFlow = migrateFlowApi({
    db,
    records,
    moves,
    log: rt.log,
    scheduler: () => rpcClient<SchedulerApi>(rt.bus, 'scheduler').with({ timeoutMs: HELD_CALL_TIMEOUT_MS }),
    compute: (host) => rpcClient<ComputeApi>(rt.bus, computeTopic(host)),
    lab: () => rpcClient<LabApi>(rt.bus, LAB_TOPIC).with({ timeoutMs: HELD_CALL_TIMEOUT_MS }),
    publish: (e) => rt.publish(e),
    allowResizeToSameHost: () => rt.conf.bool('allow_resize_to_same_host'),
  });
  const api: ConductorApi = {
    ...records,
    instance_list_since: listSince(db, records),
    build_instances: flow.build_instances,
    reschedule: flow.reschedule,
    unshelve_instance: unshelveFlow(flowDeps),
    rebuild_instance: rebuildFlow(flowDeps),
    migration_claim: moves.migration_claim,
    migration_get: moves.migration_get,
    migration_list: moves.migration_list,
    migration_update: moves.migration_update,
    migrate_server: moveFlow.migrate_server,
  };
  serveApi(rt.bus, 'conductor', api);
  // Work lost with a process that died: now (what this conductor's previous process was
  // doing), then periodically (what a nova-api that died left half done).
  const recover = (atStart: boolean) =>
    runRecovery(db, records, flow, rt.log, {
      now: Date.now(),
      atStart,
      abandonedAfterMs: ABANDONED_AFTER_MS,
    }).catch((err: Error) => rt.log.error(`recovery failed: ${err.message}`));
  void recover(true);
  const sweep = setInterval(() => void recover(false), RECOVERY_INTERVAL_MS);
  rt.onShutdown(() => clearInterval(sweep));
  const beat = () => records.service_heartbeat('nova-conductor', rt.host, 'internal').catch(() => undefined);
  await beat();
  const timer = setInterval(beat, rt.conf.int('report_interval') * 1000);
  rt.onShutdown(() => clearInterval(timer));
  rt.ready([]);
});
