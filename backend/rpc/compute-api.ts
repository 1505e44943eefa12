// nova-compute's RPC interface (topic "compute.<host>"): casts for what changes a guest,
// calls for what answers.
import type { Instance } from '../../contract/model.js';
import type { RequestSpec } from '../../contract/scheduler.js';

export type VncConnectInfo =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string };

export interface ComputeApi {
  build_and_run_instance(instance: Instance, spec: RequestSpec): Promise<void>;
  stop_instance(uuid: string): Promise<void>;
  start_instance(uuid: string): Promise<void>;
  reboot_instance(uuid: string, type: 'SOFT' | 'HARD'): Promise<void>;
  pause_instance(uuid: string): Promise<void>;
  unpause_instance(uuid: string): Promise<void>;
  suspend_instance(uuid: string): Promise<void>;
  resume_instance(uuid: string): Promise<void>;
  terminate_instance(uuid: string): Promise<void>;
  get_console_output(uuid: string, length: number | null): Promise<string>;
  get_vnc_console(uuid: string): Promise<VncConnectInfo>;
}

export const computeTopic = (host: string) => `compute.${host}`;
