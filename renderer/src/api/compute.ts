// Nova's compute API v2.1 through the GUI origin (/compute). The shapes are the public API's
// (see shared/api-contract.md), not the lab's internal model.
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { ComputeNode } from '../../../contract/model';
import { request, type ApiResponse } from './http';
import type { ServerCreateBody } from '../../../contract/openstack-api';

export const COMPUTE = '/compute/v2.1';
export const MICROVERSION = '2.79';
const SERVICE = 'nova-api';

export interface ServerDetail {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-AZ:availability_zone'?: string;
  'OS-EXT-SRV-ATTR:host'?: string | null;
  'OS-EXT-SRV-ATTR:instance_name'?: string;
  addresses?: Record<string, { addr: string; version: number; 'OS-EXT-IPS-MAC:mac_addr'?: string }[]>;
  flavor?: { original_name?: string; vcpus?: number; ram?: number; disk?: number; id?: string };
  image?: { id: string } | '';
  key_name?: string | null;
  created?: string;
  updated?: string;
  fault?: { code: number; message: string; details?: string; created: string };
}

/** os-hypervisors' detail view: the compute node's own fields, and its service as the API shows it. */
export interface Hypervisor extends Pick<
  ComputeNode,
  | 'hypervisor_hostname'
  | 'hypervisor_type'
  | 'vcpus'
  | 'vcpus_used'
  | 'memory_mb'
  | 'memory_mb_used'
  | 'local_gb'
  | 'local_gb_used'
  | 'running_vms'
> {
  id: string | number;
  state: string;
  status: string;
  host_ip?: string;
  service: { host: string; id: string | number; disabled_reason: string | null };
  /** An object from 2.28 (the GUI asks for 2.79). */
  cpu_info?: Record<string, unknown> | string;
}

/** os-aggregates: a host aggregate, its hosts and metadata (availability_zone among them). */
export interface AggregateView {
  id: number;
  name: string;
  availability_zone: string | null;
  hosts: string[];
  metadata: Record<string, string>;
}

export interface FlavorDetail {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  description?: string | null;
}

export interface KeyPairEntry {
  keypair: { name: string; fingerprint: string; type?: string };
}

export interface ZoneInfo {
  zoneName: string;
  zoneState: { available: boolean };
  hosts: Record<string, unknown> | null;
}

export interface OsService {
  id: string | number;
  binary: string;
  host: string;
  zone: string;
  status: string;
  state: string;
  updated_at: string | null;
  disabled_reason: string | null;
  forced_down?: boolean;
}

export interface InstanceActionSummary {
  action: string;
  instance_uuid: string;
  request_id: string;
  start_time: string;
  updated_at?: string;
  message: string | null;
  user_id: string;
  project_id: string;
}

export interface InstanceActionEventView {
  event: string;
  start_time: string;
  finish_time: string | null;
  result: string | null;
  traceback?: string | null;
  host?: string;
  details?: string | null;
}

export type { ServerCreateBody };

/** A server group as the API shows it from 2.64 (the GUI's microversion is above that). */
export interface ServerGroupView {
  id: string;
  name: string;
  policy: string;
  rules: { max_server_per_host?: number };
  members: string[];
}

export type { InstanceActionName as ServerAction } from '../screens/instances/instance-actions';

export function createCompute(token: string) {
  const call = <T>(path: string, opts: { method?: string; body?: unknown; version?: string } = {}): Promise<ApiResponse<T>> =>
    request<T>(SERVICE, `${COMPUTE}${path}`, {
      method: opts.method,
      body: opts.body,
      token,
      headers: { 'OpenStack-API-Version': `compute ${opts.version ?? MICROVERSION}` },
    });
  const get = async <T>(path: string): Promise<T> => (await call<T>(path)).body;
  return {
    listServers: () => get<{ servers: ServerDetail[] }>('/servers/detail').then((b) => b.servers),
    /** Every project's servers for an admin (Nova ignores all_tenants for others: then their own). */
    listAllServers: () => get<{ servers: ServerDetail[] }>('/servers/detail?all_tenants=1').then((b) => b.servers),
    getServer: (id: string) => get<{ server: ServerDetail }>(`/servers/${encodeURIComponent(id)}`).then((b) => b.server),
    createServer: (body: ServerCreateBody) => call<{ server: { id: string } }>('/servers', { method: 'POST', body }),
    deleteServer: (id: string) => call<null>(`/servers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    /** POST /servers/{id}/action with a body built by actionBody. */
    action: (id: string, body: Record<string, unknown>) =>
      call<null>(`/servers/${encodeURIComponent(id)}/action`, { method: 'POST', body }),
    consoleOutput: (id: string, length?: number) =>
      call<{ output: string }>(`/servers/${encodeURIComponent(id)}/action`, {
        method: 'POST',
        body: { 'os-getConsoleOutput': length ? { length } : {} },
      }).then((r) => r.body.output),
    remoteConsole: (id: string) =>
      call<{ remote_console: { protocol: string; type: string; url: string } }>(`/servers/${encodeURIComponent(id)}/remote-consoles`, {
        method: 'POST',
        body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
      }).then((r) => ({ ...r.body.remote_console, requestId: r.requestId })),
    instanceActions: (id: string) =>
      get<{ instanceActions: InstanceActionSummary[] }>(`/servers/${encodeURIComponent(id)}/os-instance-actions`).then(
        (b) => b.instanceActions,
      ),
    instanceAction: (id: string, req: string) =>
      get<{ instanceAction: InstanceActionSummary & { events: InstanceActionEventView[] } }>(
        `/servers/${encodeURIComponent(id)}/os-instance-actions/${encodeURIComponent(req)}`,
      ).then((b) => b.instanceAction),
    schedulerTraces: (id: string) =>
      get<{ traces: ScheduleTrace[] }>(`/servers/${encodeURIComponent(id)}/os-scheduler-trace`).then((b) => b.traces),
    hypervisors: () => get<{ hypervisors: Hypervisor[] }>('/os-hypervisors/detail').then((b) => b.hypervisors),
    services: () => get<{ services: OsService[] }>('/os-services').then((b) => b.services),
    aggregates: () => get<{ aggregates: AggregateView[] }>('/os-aggregates').then((b) => b.aggregates),
    flavors: () => get<{ flavors: FlavorDetail[] }>('/flavors/detail').then((b) => b.flavors),
    serverGroups: () => get<{ server_groups: ServerGroupView[] }>('/os-server-groups').then((b) => b.server_groups),
    keypairs: () => get<{ keypairs: KeyPairEntry[] }>('/os-keypairs').then((b) => b.keypairs.map((k) => k.keypair)),
    zones: () => get<{ availabilityZoneInfo: ZoneInfo[] }>('/os-availability-zone').then((b) => b.availabilityZoneInfo),
  };
}

export type ComputeApi = ReturnType<typeof createCompute>;
