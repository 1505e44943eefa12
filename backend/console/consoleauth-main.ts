// nova-consoleauth: serves the "consoleauth" topic. Tokens live in this process's memory only
// (Nova kept them in memcache): restarting it invalidates open console URLs, not sessions
// already relaying. A periodic sweep drops expired tokens; the heartbeat puts the service in
// `openstack compute service list`.
import { startService, runMain } from '../bus/service-runtime.js';
import { rpcClient, serveApi } from '../bus/rpc.js';
import { readNovaConf } from '../config/nova-conf.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import { consoleAuthApi } from './consoleauth-service.js';
import { TokenStore } from './token-store.js';

const SWEEP_INTERVAL_MS = 30_000;

runMain(async () => {
  const rt = await startService('nova-consoleauth');
  const store = new TokenStore();
  // The TTL is read from nova.conf when each token is issued: a changed value applies at once.
  const ttlSeconds = () => {
    const { conf, errors } = readNovaConf(rt.paths.novaConf, { portOffset: rt.portOffset });
    return errors.length ? rt.conf.int('console_token_ttl') : conf.int('console_token_ttl');
  };
  serveApi(rt.bus, 'consoleauth', consoleAuthApi({ store, ttlSeconds, publish: rt.publish, log: rt.log }));

  const sweeper = setInterval(() => {
    const n = store.sweep();
    if (n) rt.log.info(`swept ${n} expired console token(s)`);
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  const interval = rt.conf.int('report_interval') * 1000;
  const conductor = rpcClient<ConductorApi>(rt.bus, 'conductor').with({ timeoutMs: interval });
  const beat = () => conductor.service_heartbeat('nova-consoleauth', rt.host, 'internal').catch(() => undefined);
  void beat();
  const heartbeat = setInterval(beat, interval);
  rt.onShutdown(() => {
    clearInterval(heartbeat);
    clearInterval(sweeper);
  });
  rt.ready([]);
});
