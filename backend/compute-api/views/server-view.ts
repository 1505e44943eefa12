// A server as the compute API shows it, field for field as Nova's views/servers.py for the
// negotiated microversion and the caller's role (pure; table-tested).
import type { ListedInstance } from '../../../contract/model.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { serverStatus } from '../server-state.js';
import { bookmark, hostId, isoTime, links, naiveTime } from './format.js';
import { instanceName } from '../../shared/instance-name.js';
import { hidePaths } from '../../common/host-paths.js';

export interface ServerViewOptions {
  base: string;
  version: ApiVersion;
  isAdmin: boolean;
  /** For admins from 2.16: UP, DOWN, MAINTENANCE, UNKNOWN or "" (no host). */
  hostStatus?: (host: string | null) => string;
  /** GET /servers/{id} from 2.71 adds server_groups; lists do not. */
  single?: boolean;
  /** For `single`: the ids of the server groups the server is a member of. */
  serverGroups?: string[];
  /**
   * The answer to PUT /servers/{id}: before 2.75 Nova leaves out the zone, config drive, key,
   * usage, security groups, extended attributes and status, volumes and host status, and shows
   * the addresses without their type and MAC.
   */
  update?: boolean;
}

const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

export function serverBasic(i: ListedInstance, base: string): Record<string, unknown> {
  return { id: i.uuid, name: i.name, links: links(base, 'servers', i.uuid) };
}

function flavorView(i: ListedInstance, o: ServerViewOptions): Record<string, unknown> {
  const f = i.flavor;
  if (!atLeast(o.version, '2.47')) return { id: f.id, links: bookmark(o.base, 'flavors', f.id) };
  return {
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    original_name: f.name,
    extra_specs: f.extra_specs,
  };
}

function addresses(i: ListedInstance, extended: boolean): Record<string, unknown[]> {
  if (i.vm_state === 'building') return {};
  const out: Record<string, unknown[]> = {};
  for (const a of i.addresses) {
    (out[a.network] ??= []).push(
      extended ? { version: 4, addr: a.ip, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': a.mac } : { version: 4, addr: a.ip },
    );
  }
  return out;
}

export function serverDetail(i: ListedInstance, o: ServerViewOptions): Record<string, unknown> {
  const v = o.version;
  const status = i.vm_state === 'deleted' ? 'DELETED' : serverStatus(i.vm_state, i.task_state);
  const all = !o.update || atLeast(v, '2.75');
  const s: Record<string, unknown> = {
    id: i.uuid,
    name: i.name,
    status,
    tenant_id: i.project_id,
    user_id: i.user_id,
    metadata: i.metadata,
    hostId: hostId(i.project_id, i.host),
    image: { id: i.image.id, links: bookmark(o.base, 'images', i.image.id) },
    flavor: flavorView(i, o),
    created: isoTime(i.created_at),
    updated: isoTime(i.updated_at),
    addresses: addresses(i, all),
    accessIPv4: i.access_ip_v4 ?? '',
    accessIPv6: i.access_ip_v6 ?? '',
    links: links(o.base, 'servers', i.uuid),
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if ((status === 'ERROR' || status === 'DELETED') && i.fault) {
    // A fault's text comes from a driver or qemu: it may name host files (the compute log keeps them).
    const f: Record<string, unknown> = { code: i.fault.code, created: isoTime(i.fault.created), message: hidePaths(i.fault.message) };
    if (i.fault.details && (o.isAdmin || i.fault.code !== 500)) f.details = hidePaths(i.fault.details);
    s.fault = f;
  }
  if (PROGRESS_STATUSES.has(status)) s.progress = 0;
  if (all) {
    s['OS-EXT-AZ:availability_zone'] = i.availability_zone ?? '';
    s.config_drive = '';
    s.key_name = i.key_name;
    s['OS-SRV-USG:launched_at'] = naiveTime(i.launched_at);
    s['OS-SRV-USG:terminated_at'] = naiveTime(i.terminated_at);
    s.security_groups = [{ name: 'default' }];
  }
  const extendedAttrs = o.isAdmin && all;
  if (extendedAttrs) {
    s['OS-EXT-SRV-ATTR:host'] = i.host;
    s['OS-EXT-SRV-ATTR:instance_name'] = instanceName(i.seq);
    s['OS-EXT-SRV-ATTR:hypervisor_hostname'] = i.node;
    if (atLeast(v, '2.3')) {
      s['OS-EXT-SRV-ATTR:reservation_id'] = i.reservation_id;
      s['OS-EXT-SRV-ATTR:launch_index'] = i.launch_index;
      s['OS-EXT-SRV-ATTR:hostname'] = i.hostname;
      s['OS-EXT-SRV-ATTR:kernel_id'] = i.kernel_id ?? '';
      s['OS-EXT-SRV-ATTR:ramdisk_id'] = i.ramdisk_id ?? '';
      s['OS-EXT-SRV-ATTR:root_device_name'] = '/dev/vda';
      s['OS-EXT-SRV-ATTR:user_data'] = i.user_data;
    }
  }
  if (all) {
    s['OS-EXT-STS:task_state'] = i.task_state;
    s['OS-EXT-STS:vm_state'] = i.vm_state;
    s['OS-EXT-STS:power_state'] = i.power_state;
    s['os-extended-volumes:volumes_attached'] = [];
  }
  if (atLeast(v, '2.16') && o.isAdmin && all) s.host_status = o.hostStatus ? o.hostStatus(i.host) : '';
  if (atLeast(v, '2.9')) s.locked = i.locked;
  if (atLeast(v, '2.73')) s.locked_reason = i.locked_reason;
  if (atLeast(v, '2.19')) s.description = i.description;
  if (atLeast(v, '2.26')) s.tags = i.tags;
  if (atLeast(v, '2.63')) s.trusted_image_certificates = null;
  if (atLeast(v, '2.90') && !extendedAttrs) s['OS-EXT-SRV-ATTR:hostname'] = i.hostname;
  if (atLeast(v, '2.96')) s.pinned_availability_zone = i.requested_az;
  if (atLeast(v, '2.71') && o.single) s.server_groups = o.serverGroups ?? [];
  return s;
}
