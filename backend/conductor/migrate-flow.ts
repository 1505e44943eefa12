// The conductor's half of a resize or cold migration (Nova's MigrationTask): record the
// migration, ask the scheduler again with the new flavor (the current host left out unless
// allow_resize_to_same_host allows it for a resize), store the explanation like a boot's, then
// rpc.cast prep_resize to the destination's nova-compute. The rest runs between the two hosts.
import type { ConductorApi, MoveServerRequest } from '../rpc/conductor-api.js';
import type { SchedulerApi } from '../rpc/scheduler-api.js';
import type { ComputeApi } from '../rpc/compute-api.js';
import type { LabApi } from '../rpc/lab-api.js';
import type { Instance } from '../../contract/model.js';
import type { MoveRequest, RequestSpec } from '../../contract/scheduler.js';
import type { RecordsApi } from './records.js';
import type { MigrationRecords } from './migration-records.js';
import type { NovaDb } from './nova-db.js';
import type { Logger } from '../common/log.js';
import { currentContext, withContext } from '../bus/client.js';
import { messageText, msg, raw, summaryOf, type LabMessage } from '../../contract/messages.js';
import type { PublishedEvent } from '../bus/wire.js';

export interface MigrateFlowDeps {
  db: NovaDb;
  records: RecordsApi;
  moves: MigrationRecords;
  scheduler: () => SchedulerApi;
  compute: (host: string) => { cast: { [K in keyof ComputeApi]: (...a: Parameters<ComputeApi[K]>) => void } };
  lab: () => LabApi;
  /** nova.conf allow_resize_to_same_host (read at each request). */
  allowResizeToSameHost: () => boolean;
  log: Logger;
  /** Observable events (a refused move's fault by code, for the GUI). */
  publish?: (e: PublishedEvent) => void;
}

const EVENT = 'conductor_migrate_server';

/**
 * Pure: the hosts a move leaves out before filtering. A cold migration never stays (the QEMU
 * driver, like libvirt's, cannot migrate to its own host); a resize may when the option allows.
 */
export function ignoredHosts(kind: MoveRequest['kind'], source: string, allowSameHost: boolean): string[] {
  return kind === 'resize' && allowSameHost ? [] : [source];
}

/** Pure: the request the scheduler gets for a move, from the boot's stored spec (when kept) and the instance. */
export function moveSpec(
  inst: Instance,
  stored: RequestSpec | undefined,
  group: RequestSpec['instance_group'],
  move: MoveRequest,
  flavor: Instance['flavor'],
): RequestSpec {
  return {
    instance_uuid: inst.uuid,
    project_id: inst.project_id,
    num_instances: 1,
    flavor,
    image: inst.image,
    availability_zone: inst.requested_az,
    force_host: null,
    retry: { num_attempts: 1, hosts: [] },
    scheduler_hints: stored?.scheduler_hints ?? {},
    instance_group: group,
    move,
  };
}

export function migrateFlowApi(deps: MigrateFlowDeps): Pick<ConductorApi, 'migrate_server'> {
  /** `said`: the fault by code; the instance's fault and the action event keep its English. */
  async function refuse(inst: Instance, migrationId: number, requestId: string, said: LabMessage): Promise<void> {
    const message = messageText(said);
    await deps.moves.migration_update(migrationId, { status: 'error' }).catch(() => undefined);
    // The instance stays where and as it was (Nova's MigrationTask rollback), with the reason as its fault.
    await deps.records
      .instance_update(
        inst.uuid,
        {
          task_state: null,
          migration_context: null,
          fault: { code: 400, message, created: new Date().toISOString() },
        },
        { task_state: ['resize_prep'] },
      )
      .catch(() => undefined);
    await deps.records.action_event_finish(inst.uuid, requestId, EVENT, 'Error', message).catch(() => undefined);
    deps.publish?.({ kind: 'fault', summary: message, message: said, detail: { instance_uuid: inst.uuid } });
  }

  return {
    async migrate_server(req: MoveServerRequest) {
      const inst = await deps.records.instance_get(req.instance_uuid);
      // Only a move nova-api began and nobody took yet (a cast delivered twice finds it started).
      if (!inst || inst.task_state !== 'resize_prep' || inst.migration_context || !inst.host) return;
      const requestId = currentContext()?.request_id ?? `req-${inst.uuid}`;
      const ctx = { instance_uuid: inst.uuid, request_id: requestId, project_id: inst.project_id, user_id: req.user_id };
      await withContext(ctx, async () => {
        await deps.records.action_event_start(inst.uuid, requestId, EVENT, null);
        const kind = req.flavor ? 'resize' : 'migrate';
        const flavor = req.flavor ?? inst.flavor;
        const migration = await deps.moves.migration_start(inst.uuid, req.flavor ? 'resize' : 'migration', flavor, req.user_id);
        try {
          const move: MoveRequest = {
            kind,
            migration_id: migration.id,
            ignore_hosts: ignoredHosts(kind, inst.host!, deps.allowResizeToSameHost()),
            requested_host: req.host,
          };
          const spec = moveSpec(
            inst,
            deps.db.data.request_specs[inst.uuid],
            await deps.records.instance_group_spec(inst.uuid),
            move,
            flavor,
          );
          await deps.lab().step({
            step: 'scheduler.call',
            ...summaryOf(
              kind === 'resize'
                ? msg('step.schedulerCallResize', { name: inst.name, flavor: flavor.name, host: inst.host! })
                : msg('step.schedulerCallMigrate', { name: inst.name, host: inst.host! }),
            ),
            detail: { topic: 'scheduler', method: 'select_destinations', request_spec: spec, instance_uuids: [inst.uuid] },
          });
          const traces = await deps.scheduler().select_destinations(spec, [inst.uuid]);
          for (const t of traces) await deps.records.trace_save({ ...t, kind });
          const chosen = traces[0]?.chosen;
          if (!chosen) {
            await refuse(inst, migration.id, requestId, traces[0]?.error_message ?? msg('noValidHost.plain'));
            return;
          }
          await deps.lab().step({
            step: 'compute.cast',
            ...summaryOf(msg('step.prepResizeCast', { dest: chosen, name: inst.name, host: inst.host! })),
            detail: { topic: `compute.${chosen}`, method: 'prep_resize', host: chosen, migration_id: migration.id },
          });
          await deps.records.action_event_finish(inst.uuid, requestId, EVENT, 'Success', `scheduled to ${chosen}`);
          deps.compute(chosen).cast.prep_resize(inst.uuid, migration.id);
        } catch (err) {
          deps.log.error(`migrate_server of ${inst.uuid} failed: ${(err as Error).message}`);
          await refuse(
            inst,
            migration.id,
            requestId,
            msg('fault.migrationFailed', { uuid: inst.uuid, error: raw((err as Error).message) }),
          );
        }
      });
    },
  };
}
