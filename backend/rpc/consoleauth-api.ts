// nova-consoleauth's RPC interface (topic "consoleauth"): tokens for console sessions.
import type { VncConnectInfo } from './compute-api.js';

export interface ConsoleAuthorization {
  instance_uuid: string;
  connect_info: VncConnectInfo;
  expires_at: string;
  /** The project that asked for the console: the proxy's later steps are that project's events. */
  project_id?: string;
}

export interface ConsoleAuthApi {
  /** Issue a random token bound to one instance's VNC address; only its hash is stored. */
  authorize_console(instance_uuid: string, connect_info: VncConnectInfo): Promise<{ token: string; expires_at: string }>;
  check_token(token: string): Promise<ConsoleAuthorization | null>;
  delete_tokens_for_instance(instance_uuid: string): Promise<number>;
}
