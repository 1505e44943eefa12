// keystone: identity as its own process. Opens its own database, makes sure the bootstrap
// domain, projects, roles and users exist, and serves the Keystone v3 subset on
// [novalab] listen : keystone_port.
// The HTTP side (express and the routes) loads while the bootstrap's password hashes run on
// libuv's threads: on a fresh lab those three scrypts and that loading were keystone's start,
// one after the other.
import { startService, runMain } from '../bus/service-runtime.js';
import { listen } from '../common/http/listen.js';
import { dbMarker, secretFile } from '../config/state-dir.js';
import { IdentityStore } from './identity-store.js';
import { bootstrap } from './bootstrap.js';
import { identityConfig } from './identity-config.js';
import { TokenService } from './token-service.js';
import { buildCatalog } from './token-body.js';

runMain(async () => {
  // Keystone's database holds password hashes and token hashes: whatever it writes is owner-only.
  process.umask(0o077);
  const http = import('./http-app.js');
  http.catch(() => undefined); // awaited below, where a failure ends the start
  const rt = await startService('keystone');
  const config = identityConfig(rt.conf);
  const store = await IdentityStore.open(rt.paths.keystoneDb, {
    marker: dbMarker(rt.paths, 'keystone'),
    stateDir: rt.paths.root,
  });
  const [{ identityApp }] = await Promise.all([
    http,
    bootstrap(store, {
      adminPassword: config.adminPassword,
      servicePasswordFile: secretFile(rt.paths, 'service-password'),
    }),
  ]);
  const app = identityApp({
    store,
    tokens: new TokenService(store, config.tokenTtlMs),
    config,
    catalog: buildCatalog(config.urls),
    publish: (event) => rt.publish(event),
    log: rt.log,
  });
  const server = await listen(app, config.listen, config.port, 'keystone');
  rt.onShutdown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  rt.log.info(`identity at ${config.urls.identity} (catalog: compute ${config.urls.compute}, image ${config.urls.image})`);
  rt.ready([config.port]);
});
