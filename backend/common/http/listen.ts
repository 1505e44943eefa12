// Start an HTTP server on a loopback address with an error that names the port when taken.
import http from 'node:http';
import type { RequestListener } from 'node:http';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly host: string,
  ) {
    super(`port ${port} (${what}) on ${host} is already in use: stop whatever holds it, or set another port in nova.conf`);
    this.name = 'PortInUseError';
  }
}

export function listen(handler: RequestListener | http.Server, host: string, port: number, what: string): Promise<http.Server> {
  const server = handler instanceof http.Server ? handler : http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, what, host) : err);
    });
    server.listen(port, host, () => {
      // Later errors (accept failing with EMFILE under a flood of connections, say) would throw
      // from an 'error' event nobody listens to, stopping the service: they are logged instead.
      server.on('error', (err) => process.stderr.write(`${what} on ${host}:${port}: ${err.message}\n`));
      resolve(server);
    });
  });
}

/** Pure probe used by the launcher before it starts anything: is this port free? */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}
