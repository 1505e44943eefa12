// nova-compute: one process per lab host. It reports its inventory and heartbeat through the
// conductor (it never opens the database), serves compute.<host>, and keeps the database in
// step with its guests' real state.
import { startService, runMain, requireEnv } from '../bus/service-runtime.js';
import type { LabHost } from '../../contract/model.js';
import { rpcClient, serveApi } from '../bus/rpc.js';
import { hostPaths, secretFile } from '../config/state-dir.js';
import { serviceTokenSource } from '../common/service-auth.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { ConsoleAuthApi } from '../rpc/consoleauth-api.js';
import { computeTopic, type ComputeApi } from '../rpc/compute-api.js';
import { LAB_TOPIC, type LabApi } from '../rpc/lab-api.js';
import { createDriver } from './driver-factory.js';
import { chooseVncListen } from './vnc-listen.js';
import { nodeReport } from './host-inventory.js';
import { hostZone } from '../shared/host-zone.js';
import { diskAvailableLeast, filesystemFreeBytes } from './disk-available-least.js';
import { ImageCache } from './image-cache.js';
import { GlanceWriter } from './glance-writer.js';
import { computeManager, newHostWork } from './compute-manager.js';
import { recoverHost } from './recover-host.js';
import { describeExit, reconcileOnStart, recordGuestStopped } from './power-sync.js';
import { msg } from '../../contract/messages.js';
import type { ComputeContext } from './compute-context.js';

/** Work unchanged this long and in no process's hands is abandoned (see recovery.ts). */
const ABANDONED_AFTER_MS = 60_000;
const RECOVERY_INTERVAL_MS = 15_000;

runMain(async () => {
  const rt = await startService('nova-compute');
  const { conf, paths, host } = rt;
  const me = JSON.parse(requireEnv('NOVALAB_LAB_HOST')) as LabHost;
  if (me.name !== host) throw new Error(`lab host ${host} was given the definition of ${me.name}`);
  const dirs = hostPaths(paths, host);
  const driver = await createDriver(conf, dirs.accelCache);
  const report = await driver.init({ host, instancesDir: dirs.instances });
  const conductor = rpcClient<ConductorApi>(rt.bus, 'conductor');
  const listen = conf.str('novalab.listen');
  const { why, ...vncListen } = chooseVncListen({
    listen: conf.str('vncserver_listen'),
    unixSocket: conf.bool('novalab.vnc_unix_socket'),
    platform: process.platform,
  });
  rt.log.info(`guest VNC consoles: ${why}`);
  const glanceUrl = `http://${listen}:${conf.int('novalab.glance_port')}`;
  const serviceToken = serviceTokenSource(`http://${listen}:${conf.int('novalab.keystone_port')}`, secretFile(paths, 'service-password'));
  const ctx: ComputeContext = {
    host,
    driver,
    log: rt.log,
    conductor: conductor.call,
    lab: rpcClient<LabApi>(rt.bus, LAB_TOPIC).with({
      timeoutMs: 60 * 60 * 1000,
    }),
    images: new ImageCache(dirs.imageCache, glanceUrl, serviceToken),
    glance: new GlanceWriter(glanceUrl, serviceToken),
    shelvedOffloadTime: conf.int('shelved_offload_time'),
    metadata: {
      address: `${conf.str('metadata_listen')}:${conf.int('metadata_listen_port')}`,
      hmacSecretFile: secretFile(paths, 'metadata-hmac'),
    },
    vncListen,
    vncProxyclientAddress: conf.str('vncserver_proxyclient_address'),
    acceleratorFor: (arch) => report.accelerators[arch] ?? 'tcg',
    publish: (e) => rt.publish(e),
    rescheduleCast: (uuid, h, reason) => conductor.cast.reschedule(uuid, h, reason),
    deleteConsoleTokensCast: (uuid) => rpcClient<ConsoleAuthApi>(rt.bus, 'consoleauth').cast.delete_tokens_for_instance(uuid),
    peerCast: (h) => rpcClient<ComputeApi>(rt.bus, computeTopic(h)).cast,
    instancesDirOf: (h) => hostPaths(paths, h).instances,
  };
  const ratios = {
    cpu: conf.float('cpu_allocation_ratio'),
    ram: conf.float('ram_allocation_ratio'),
    disk: conf.float('disk_allocation_ratio'),
  };
  const zone = hostZone(me.aggregates, me.availability_zone);
  const reportIn = async () => {
    const mine = await conductor.call.instance_list({ host });
    const fsFree = driver.name === 'fake' ? null : await filesystemFreeBytes(dirs.instances);
    const least = diskAvailableLeast(
      me.disk_gb,
      mine.map((i) => i.flavor),
      fsFree,
    );
    await conductor.call.compute_node_update(nodeReport(me, report, ratios, least));
    await conductor.call.service_heartbeat('nova-compute', host, zone);
  };
  await reportIn();
  const work = newHostWork();
  serveApi(rt.bus, computeTopic(host), computeManager(ctx, work));
  driver.onGuestExit((uuid, info) => void recordGuestStopped(ctx, uuid, describeExit(info)).catch((e: Error) => rt.log.error(e.message)));
  // init_host: re-adopt guests and sync power states, then finish or fail what the previous
  // process left half done.
  const recover = (atStart: boolean) =>
    recoverHost(ctx, work, {
      now: Date.now(),
      atStart,
      abandonedAfterMs: ABANDONED_AFTER_MS,
      shelvedOffloadMs: ctx.shelvedOffloadTime * 1000,
    });
  await reconcileOnStart(ctx);
  await recover(true);
  const sweep = setInterval(() => void recover(false).catch((e: Error) => rt.log.error(`recovery: ${e.message}`)), RECOVERY_INTERVAL_MS);
  rt.onShutdown(() => clearInterval(sweep));
  const timer = setInterval(() => void reportIn().catch(() => undefined), conf.int('report_interval') * 1000);
  rt.onShutdown(async (how) => {
    clearInterval(timer);
    // A restart of nova-compute leaves its guests running, as Nova's does: the next process
    // re-adopts them. Only the lab's own shutdown stops them.
    if (how === 'service') return driver.close({ stopGuests: false });
    const running = await driver.listRunning();
    await driver.close({ stopGuests: true, timeoutMs: 10_000 });
    for (const uuid of running) await recordGuestStopped(ctx, uuid, msg('powerSync.labShutdown')).catch(() => undefined);
  });
  rt.ready([]);
});
