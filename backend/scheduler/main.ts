// nova-scheduler: no port (the course's point) — it only serves the "scheduler" topic.
import { startService, runMain } from '../bus/service-runtime.js';
import { rpcClient, serveApi } from '../bus/rpc.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import { LAB_TOPIC, type LabApi } from '../rpc/lab-api.js';
import { schedulerApi } from './scheduler-service.js';

runMain(async () => {
  const rt = await startService('nova-scheduler');
  const conductor = rpcClient<ConductorApi>(rt.bus, 'conductor').call;
  serveApi(
    rt.bus,
    'scheduler',
    schedulerApi({
      conductor,
      lab: rpcClient<LabApi>(rt.bus, LAB_TOPIC).with({ timeoutMs: 60 * 60 * 1000 }),
      conf: () => rt.conf,
      publish: (e) => rt.publish(e),
    }),
  );
  const beat = () => conductor.service_heartbeat('nova-scheduler', rt.host, 'internal').catch(() => undefined);
  void beat();
  const timer = setInterval(beat, rt.conf.int('report_interval') * 1000);
  rt.onShutdown(() => clearInterval(timer));
  rt.ready([]);
});
