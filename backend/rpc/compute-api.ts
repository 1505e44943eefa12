// nova-compute's RPC interface (topic "compute.<host>"): casts for what changes a guest,
// calls for what answers.
import type { ImageMeta, Instance } from '../../contract/model.js';

/** Where nova-novncproxy reaches a guest's VNC server. A TCP server asks for VNC
 *  authentication with `password` (random per guest; the proxy answers the challenge itself):
 *  a secret, never in an event or a log. A unix socket is protected by its directory. */
export type VncConnectInfo = { kind: 'tcp'; host: string; port: number; password?: string } | { kind: 'unix'; path: string };

/** connect_info as events and logs may show it: the password replaced by the fact that
 *  there is one. */
export function publicConnectInfo(info: VncConnectInfo): Record<string, unknown> {
  if (info.kind !== 'tcp' || info.password === undefined) return { ...info };
  const { password: _secret, ...rest } = info;
  return { ...rest, vnc_auth: 'password' };
}

/** Nova's Diagnostics object (the 2.48 standard format; older versions derive the
 *  libvirt-style dict from it). Memory in MiB, CPU time in ns, uptime in seconds. */
export interface InstanceDiagnostics {
  state: string;
  driver: string;
  hypervisor: string;
  hypervisor_os: string;
  uptime: number | null;
  config_drive: boolean;
  num_cpus: number;
  num_nics: number;
  num_disks: number;
  cpu_details: { id: number; time: number | null; utilisation: number | null }[];
  nic_details: { mac_address: string; [counter: string]: string | number | null }[];
  disk_details: { read_bytes: number; read_requests: number; write_bytes: number; write_requests: number; errors_count: number }[];
  memory_details: { maximum: number; used: number };
}

/** An image with the kernel and ramdisk nova-api resolved for it with the requester's token. */
export interface BootImage {
  image: ImageMeta;
  kernel_id: string | null;
  ramdisk_id: string | null;
}

export interface ComputeApi {
  build_and_run_instance(instance: Instance): Promise<void>;
  stop_instance(uuid: string): Promise<void>;
  start_instance(uuid: string): Promise<void>;
  reboot_instance(uuid: string, type: 'SOFT' | 'HARD'): Promise<void>;
  pause_instance(uuid: string): Promise<void>;
  unpause_instance(uuid: string): Promise<void>;
  suspend_instance(uuid: string): Promise<void>;
  resume_instance(uuid: string): Promise<void>;
  terminate_instance(uuid: string): Promise<void>;
  /** Copy the guest's disk into the queued image `imageId` (createImage). */
  snapshot_instance(uuid: string, imageId: string): Promise<void>;
  /** A snapshot of type backup, then only the newest `rotation` backups of `backupType` are kept. */
  backup_instance(uuid: string, imageId: string, backupType: string, rotation: number): Promise<void>;
  /** Power off, snapshot into `imageId`, SHELVED; offloaded as shelved_offload_time says. */
  shelve_instance(uuid: string, imageId: string): Promise<void>;
  /** Destroy the shelved guest and free this host (SHELVED_OFFLOADED). */
  shelve_offload_instance(uuid: string): Promise<void>;
  /** Bring a shelved instance back here: power on (SHELVED) or boot from its shelve image. */
  unshelve_instance(uuid: string): Promise<void>;
  /** Re-create the guest from the instance's image on a fresh disk (the record names the new
   *  image; `orig` is the one the guest runs, restored if the rebuild fails before touching it). */
  rebuild_instance(uuid: string, orig?: BootImage): Promise<void>;
  /** Boot the rescue image with the guest's own disk second; kernel and ramdisk as nova-api resolved them. */
  rescue_instance(uuid: string, rescue: BootImage): Promise<void>;
  unrescue_instance(uuid: string): Promise<void>;
  get_console_output(uuid: string, length: number | null): Promise<string>;
  get_vnc_console(uuid: string): Promise<VncConnectInfo>;
  /** A running guest's diagnostics (the driver's statistics, the instance's flavor and NICs). */
  get_diagnostics(instance: Instance): Promise<InstanceDiagnostics>;

  // resize and cold migration, cast between the two hosts in Nova's order (compute/resize.ts)
  /** Destination: the scheduler chose this host; ask the source to hand the guest over. */
  prep_resize(uuid: string, migration_id: number): Promise<void>;
  /** Source: stop the guest, keep its files as the source copy, copy them to the destination. */
  resize_instance(uuid: string, migration_id: number): Promise<void>;
  /** Destination: start the guest from the copied files with the new flavor (VERIFY_RESIZE). */
  finish_resize(uuid: string, migration_id: number): Promise<void>;
  /** Source: the move is kept; delete the source copy and release the source's claim. */
  confirm_resize(uuid: string, migration_id: number): Promise<void>;
  /** Destination: the move is undone; remove the guest here and hand the instance back to the source. */
  revert_resize(uuid: string, migration_id: number): Promise<void>;
  /** Source: start the source copy again with the old flavor. */
  finish_revert_resize(uuid: string, migration_id: number): Promise<void>;
}

export const computeTopic = (host: string) => `compute.${host}`;
