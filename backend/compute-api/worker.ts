// One nova-api worker process: it joins the bus itself (as 'nova-api') and serves one of the
// three APIs on the port the master shares among that API's workers.
import type { RequestListener } from 'node:http';
import { rpcClient } from '../bus/rpc.js';
import { startService, type ServiceRuntime } from '../bus/service-runtime.js';
import { listen, PortInUseError } from '../common/http/listen.js';
import { keystoneValidator } from '../common/http/keystone-auth.js';
import { secretFile } from '../config/state-dir.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import { computeTopic, type ComputeApi } from '../rpc/compute-api.js';
import type { ConsoleAuthApi } from '../rpc/consoleauth-api.js';
import { LAB_TOPIC, type LabApi } from '../rpc/lab-api.js';
import type { RpcClient } from '../bus/rpc.js';
import type { ApiDeps } from './deps.js';
import { glanceClient } from './glance-client.js';
import { apiGroups, type ApiRole } from './worker-plan.js';

/** Step mode may hold an announcement until the learner presses Next. */
const STEP_TIMEOUT_MS = 60 * 60 * 1000;

export function busDeps(rt: ServiceRuntime): ApiDeps {
  const { conf, bus, log } = rt;
  const lab = conf.str('novalab.listen');
  const identityUrl = `http://${lab}:${conf.int('novalab.keystone_port')}`;
  const glanceUrl = `http://${lab}:${conf.int('novalab.glance_port')}`;
  const computes = new Map<string, RpcClient<ComputeApi>>();
  const step = rpcClient<LabApi>(bus, LAB_TOPIC).with({ timeoutMs: STEP_TIMEOUT_MS });
  return {
    conductor: rpcClient<ConductorApi>(bus, 'conductor'),
    compute: (host) => {
      let c = computes.get(host);
      if (!c) {
        c = rpcClient<ComputeApi>(bus, computeTopic(host));
        computes.set(host, c);
      }
      return c;
    },
    consoleauth: rpcClient<ConsoleAuthApi>(bus, 'consoleauth'),
    step: (a) => step.step(a).catch((err: Error) => log.warn(`step ${a.step} not announced: ${err.message}`)),
    publish: (e) => rt.publish(e),
    glance: glanceClient(glanceUrl),
    validator: keystoneValidator(identityUrl),
    settings: {
      novncproxyBaseUrl: conf.str('novncproxy_base_url'),
      serviceDownTime: conf.int('service_down_time'),
      identityUrl,
      glanceUrl,
      maxLimit: 1000,
    },
    log,
  };
}

/** A worker's request handler, made once it has joined the bus. */
type MakeHandler = (rt: ServiceRuntime) => Promise<RequestListener>;

/** Only the worker's own API: a metadata or EC2 worker never loads the Compute API's app. */
async function loadApi(role: ApiRole): Promise<MakeHandler> {
  if (role === 'osapi_compute') {
    const { computeApp } = await import('./app.js');
    return async (rt) => computeApp(busDeps(rt));
  }
  if (role === 'metadata') {
    const [{ metadataApp }, { ensureMetadataSecret }] = await Promise.all([import('./metadata/app.js'), import('./metadata/signature.js')]);
    return async (rt) => {
      const secret = await ensureMetadataSecret(secretFile(rt.paths, 'metadata-hmac'));
      const conductor = rpcClient<ConductorApi>(rt.bus, 'conductor');
      return metadataApp({
        secret,
        instanceGet: (uuid) => conductor.call.instance_get(uuid),
        passwordSet: async (uuid, password) => void (await conductor.call.instance_update(uuid, { server_password: password })),
        log: rt.log,
      });
    };
  }
  const { ec2App } = await import('./ec2/app.js');
  return async () => ec2App;
}

export async function runWorker(role: ApiRole): Promise<void> {
  // The API's code loads while the worker joins the bus, not after.
  const api = loadApi(role);
  api.catch(() => undefined); // awaited below, where a failure ends the start
  const rt = await startService('nova-api');
  const group = apiGroups(rt.conf).find((g) => g.role === role)!;
  const handler = await (await api)(rt);
  try {
    const server = await listen(handler, group.host, group.port, group.what);
    rt.onShutdown(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
  } catch (err) {
    if (err instanceof PortInUseError) {
      process.send?.({ type: 'port-in-use', message: err.message });
      process.exit(1);
    }
    throw err;
  }
  rt.ready([group.port]);
}
