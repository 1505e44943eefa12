// What identity reads from nova.conf, in one place. Ports in nova.conf already include the
// lab's port offset. Each catalog URL uses the address its own service listens on.
import type { NovaConf } from '../config/nova-conf.js';
import { urlHost, type ServiceUrls } from './token-body.js';

export interface IdentityConfig {
  listen: string;
  port: number;
  urls: ServiceUrls;
  adminPassword: string;
  tokenTtlMs: number;
}

export const TOKEN_TTL_MS = 60 * 60 * 1000;

export function identityConfig(conf: NovaConf): IdentityConfig {
  const listen = conf.str('novalab.listen');
  const port = conf.int('novalab.keystone_port');
  const computeHost = urlHost(conf.str('osapi_compute_listen'));
  return {
    listen,
    port,
    urls: {
      identity: `http://${urlHost(listen)}:${port}`,
      compute: `http://${computeHost}:${conf.int('osapi_compute_listen_port')}/v2.1`,
      image: `http://${urlHost(listen)}:${conf.int('novalab.glance_port')}`,
    },
    adminPassword: conf.str('novalab.admin_password'),
    tokenTtlMs: TOKEN_TTL_MS,
  };
}
