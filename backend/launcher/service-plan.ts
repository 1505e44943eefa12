// Pure: which service processes a lab runs, from nova.conf and the topology — one line per
// process the course names, one nova-compute per lab host.
import type { NovaConf } from '../config/nova-conf.js';
import type { Topology } from '../config/topology.js';
import type { ServiceBinary } from '../../contract/services.js';

export interface PortClaim { port: number; host: string; what: string }

export interface ServicePlanEntry {
  binary: ServiceBinary;
  host: string;
  /** Compiled entry point, relative to dist/. */
  entry: string;
  ports: PortClaim[];
  env: Record<string, string>;
}

export function planServices(conf: NovaConf, topology: Topology): ServicePlanEntry[] {
  const lab = conf.str('novalab.listen');
  const one = (binary: ServiceBinary, entry: string, ports: PortClaim[] = []): ServicePlanEntry =>
    ({ binary, host: 'novalab', entry, ports, env: {} });
  return [
    one('nova-conductor', 'backend/conductor/main.js'),
    one('keystone', 'backend/identity/main.js', [{ port: conf.int('novalab.keystone_port'), host: lab, what: 'keystone' }]),
    one('glance-api', 'backend/image/main.js', [{ port: conf.int('novalab.glance_port'), host: lab, what: 'glance-api' }]),
    one('nova-scheduler', 'backend/scheduler/main.js'),
    ...topology.hosts.map((h): ServicePlanEntry => ({
      binary: 'nova-compute', host: h.name, entry: 'backend/compute/main.js', ports: [], env: { NOVALAB_HOST: h.name },
    })),
    one('nova-consoleauth', 'backend/console/consoleauth-main.js'),
    one('nova-novncproxy', 'backend/console/novncproxy-main.js', [
      { port: conf.int('novncproxy_port'), host: conf.str('novncproxy_host'), what: 'nova-novncproxy' },
    ]),
    one('nova-api', 'backend/compute-api/main.js', [
      { port: conf.int('osapi_compute_listen_port'), host: conf.str('osapi_compute_listen'), what: 'nova-api osapi_compute' },
      { port: conf.int('metadata_listen_port'), host: conf.str('metadata_listen'), what: 'nova-api metadata' },
      { port: conf.int('ec2_listen_port'), host: conf.str('ec2_listen'), what: 'nova-api ec2' },
    ]),
  ];
}

/** Every port the lab needs, the GUI's included, for the check made before anything starts. */
export function allPortClaims(conf: NovaConf, plan: ServicePlanEntry[]): PortClaim[] {
  return [
    ...plan.flatMap((s) => s.ports),
    { port: conf.int('novalab.gui_port'), host: conf.str('novalab.listen'), what: 'novalab gui' },
  ];
}

/** Two services configured onto the same port is a configuration error, not a runtime one. */
export function duplicatePorts(claims: PortClaim[]): string[] {
  const seen = new Map<number, string>();
  const errors: string[] = [];
  for (const c of claims) {
    const other = seen.get(c.port);
    if (other) errors.push(`port ${c.port} is configured for both ${other} and ${c.what}`);
    else seen.set(c.port, c.what);
  }
  return errors;
}
