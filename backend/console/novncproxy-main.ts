// nova-novncproxy: the gate between browsers and the guests' VNC servers (port 6080). It serves
// the noVNC console page over HTTP and, on a WebSocket, checks the Origin, asks
// nova-consoleauth about the token, and relays to the VNC address the token names.
import http from 'node:http';
import { startService, runMain } from '../bus/service-runtime.js';
import { listen } from '../common/http/listen.js';
import { rpcClient } from '../bus/rpc.js';
import type { ConsoleAuthApi } from '../rpc/consoleauth-api.js';
import { consoleProxy } from './console-proxy.js';
import { novncPackageDir, staticHandler } from './static-files.js';

const CHECK_TOKEN_TIMEOUT_MS = 5000;

runMain(async () => {
  const rt = await startService('nova-novncproxy');
  const host = rt.conf.str('novncproxy_host');
  const port = rt.conf.int('novncproxy_port');
  // The lab's own GUI opens consoles from its page (noVNC's RFB on gui_port): its origin is ours too.
  const guiPort = rt.conf.int('novalab.gui_port');
  const guiListen = rt.conf.str('novalab.listen');
  const guiOrigins = ['127.0.0.1', '0.0.0.0', '::1', '::'].includes(guiListen)
    ? [`http://127.0.0.1:${guiPort}`, `http://localhost:${guiPort}`, `http://[::1]:${guiPort}`]
    : [`http://${guiListen}:${guiPort}`];
  const consoleauth = rpcClient<ConsoleAuthApi>(rt.bus, 'consoleauth');
  const proxy = consoleProxy({
    checkToken: (token, ctx) => consoleauth.with({ timeoutMs: CHECK_TOKEN_TIMEOUT_MS, ctx }).check_token(token),
    originPolicy: {
      listenHost: host,
      listenPort: port,
      baseUrl: rt.conf.str('novncproxy_base_url'),
      allowedOrigins: [...rt.conf.list('console_allowed_origins'), ...guiOrigins],
    },
    proxyclientAddress: rt.conf.str('vncserver_proxyclient_address'),
    publish: rt.publish,
    log: rt.log,
  });
  const server = http.createServer(staticHandler({ packageDir: novncPackageDir(), log: rt.log }));
  server.on('upgrade', proxy.onUpgrade);
  await listen(server, host, port, 'nova-novncproxy');
  rt.onShutdown(
    () =>
      new Promise<void>((resolve) => {
        proxy.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  rt.ready([port]);
});
