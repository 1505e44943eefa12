// Which workers nova-api runs (pure): osapi_compute_workers on the compute API port,
// metadata_workers on the metadata port, ec2_workers on the EC2 port — the course's three
// counts, each at least 1 (nova.conf validation says so; an unset count is the CPU count).
import type { NovaConf } from '../config/nova-conf.js';
import type { ApiRole } from '../../contract/lab-api.js';

export type { ApiRole };

export interface ApiGroup {
  role: ApiRole;
  count: number;
  host: string;
  port: number;
  what: string;
}

export function apiGroups(conf: Pick<NovaConf, 'int' | 'str'>): ApiGroup[] {
  const group = (role: ApiRole): ApiGroup => ({
    role,
    count: Math.max(1, conf.int(`${role}_workers`)),
    host: conf.str(`${role}_listen`),
    port: conf.int(`${role}_listen_port`),
    what: `nova-api ${role}`,
  });
  return [group('osapi_compute'), group('metadata'), group('ec2')];
}

export const isApiRole = (s: string | undefined): s is ApiRole => s === 'osapi_compute' || s === 'metadata' || s === 'ec2';
